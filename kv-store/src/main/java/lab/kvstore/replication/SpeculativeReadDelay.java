package lab.kvstore.replication;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How long a read that asked only R replicas waits before it asks one more: the recent 99th
 * percentile of replica reads, kept between a floor and a ceiling. This is Cassandra's
 * {@code speculative_retry = '99p'}: about one read in a hundred pays for an extra replica call,
 * and a replica that stalls (a GC pause, a dropped link) delays a read by this much instead of
 * until its deadline.
 */
public final class SpeculativeReadDelay {

    /** Replica reads remembered; the percentile is taken over these. */
    static final int WINDOW = 1024;
    /** The percentile is recomputed once per this many new samples. */
    static final int RECOMPUTE_EVERY = 128;

    private final long minNanos;
    private final long maxNanos;
    private final AtomicLongArray samples = new AtomicLongArray(WINDOW);
    private final AtomicLong recorded = new AtomicLong();
    private final ReentrantLock recomputing = new ReentrantLock();
    private volatile long delayNanos;

    public SpeculativeReadDelay(long minMillis, long maxMillis) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("speculative read delay needs 1 <= min (" + minMillis + ") <= max (" + maxMillis + ")");
        }
        this.minNanos = TimeUnit.MILLISECONDS.toNanos(minMillis);
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
        // Until enough reads were seen, wait the ceiling: speculating too early doubles the load.
        this.delayNanos = maxNanos;
    }

    /** One replica read that answered, and how long it took. */
    public void record(long nanos) {
        long n = recorded.getAndIncrement();
        samples.set((int) (n % WINDOW), nanos);
        if ((n + 1) % RECOMPUTE_EVERY == 0 && n + 1 >= WINDOW / 4 && recomputing.tryLock()) {
            try {
                recompute(Math.min(n + 1, WINDOW));
            } finally {
                recomputing.unlock();
            }
        }
    }

    private void recompute(long count) {
        long[] copy = new long[(int) count];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = samples.get(i);
        }
        Arrays.sort(copy);
        long p99 = copy[(int) Math.min(copy.length - 1, Math.ceil(copy.length * 0.99) - 1)];
        delayNanos = Math.clamp(p99, minNanos, maxNanos);
    }

    public long delayNanos() {
        return delayNanos;
    }
}
