package lab.load.check;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in whole milliseconds, one bucket per millisecond up to a minute and one overflow
 * bucket: exact percentiles for what matters, constant memory (480 KiB) however long a background
 * run lasts, and lock-free recording from Gatling's threads.
 */
public final class LatencyHistogram {

    static final int MAX_TRACKED_MILLIS = 60_000;

    private final AtomicLongArray buckets = new AtomicLongArray(MAX_TRACKED_MILLIS + 1);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong maxMillis = new AtomicLong();

    /** Negative values (clocks of two processes a hair apart) count as 0. */
    public void record(long millis) {
        long m = Math.max(0, millis);
        buckets.incrementAndGet((int) Math.min(m, MAX_TRACKED_MILLIS));
        count.incrementAndGet();
        maxMillis.accumulateAndGet(m, Math::max);
    }

    public long count() {
        return count.get();
    }

    public long max() {
        return maxMillis.get();
    }

    /** The smallest value at or below which {@code percent} % of the samples lie (0 when empty). */
    public long percentile(double percent) {
        long total = count.get();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * percent / 100.0));
        long seen = 0;
        for (int millis = 0; millis <= MAX_TRACKED_MILLIS; millis++) {
            seen += buckets.get(millis);
            if (seen >= rank) {
                return millis == MAX_TRACKED_MILLIS ? maxMillis.get() : millis;
            }
        }
        return maxMillis.get();
    }
}
