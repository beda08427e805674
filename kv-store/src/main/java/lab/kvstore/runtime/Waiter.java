package lab.kvstore.runtime;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the replication code waits for answers of other nodes until a deadline of its
 * {@link NodeClock}. Production blocks the calling thread ({@link #blocking}); the deterministic
 * simulation runs its event loop instead, until the awaited answer arrived or simulated time
 * passed the deadline, so no thread ever sleeps in the simulated world.
 */
public interface Waiter {

    /** The next element of the queue, or null when none arrived before {@code untilNanos}. */
    <T> T poll(BlockingQueue<T> queue, long untilNanos) throws InterruptedException;

    /** The future's value; {@link TimeoutException} when it is not done by {@code untilNanos}. */
    <T> T get(Future<T> future, long untilNanos) throws InterruptedException, ExecutionException, TimeoutException;

    /** Blocks the calling thread, deadlines read from {@code clock}. */
    static Waiter blocking(NodeClock clock) {
        return new Waiter() {
            @Override
            public <T> T poll(BlockingQueue<T> queue, long untilNanos) throws InterruptedException {
                long remaining = untilNanos - clock.nanoTime();
                return remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
            }

            @Override
            public <T> T get(Future<T> future, long untilNanos)
                    throws InterruptedException, ExecutionException, TimeoutException {
                return future.get(Math.max(1, untilNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
            }
        };
    }
}
