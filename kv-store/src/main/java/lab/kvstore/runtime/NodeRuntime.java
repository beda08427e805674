package lab.kvstore.runtime;

import java.util.concurrent.TimeUnit;

/**
 * What the replication core takes from its environment instead of reading it from the JVM: the
 * node's clocks and the way it waits for other nodes. The Spring shell provides {@link #SYSTEM};
 * the deterministic simulation provides simulated ones, so both run the same classes.
 */
public record NodeRuntime(NodeClock clock, Waiter waiter) {

    public static final NodeRuntime SYSTEM = new NodeRuntime(NodeClock.SYSTEM, Waiter.blocking(NodeClock.SYSTEM));

    public long nanoTime() {
        return clock.nanoTime();
    }

    /** Milliseconds left until a deadline of {@link #nanoTime()}, at least 1 (a call needs some time). */
    public long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - clock.nanoTime()));
    }
}
