package lab.kvstore.streaming;

import java.util.function.LongSupplier;

/**
 * The streaming bandwidth bound: a virtual-schedule pacer (GCRA). Each batch of {@code bytes}
 * is scheduled {@code bytes / rate} after the previous one, and the caller waits until its slot;
 * so over any stretch of time the bytes sent are at most the rate times the time, plus one batch.
 * Clock and sleep are passed in so tests can check the pacing exactly.
 */
public final class BytePacer {

    private final long bytesPerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long nextSlotNanos;
    private long waitedNanos;

    public BytePacer(long bytesPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("the streaming bound must be at least 1 byte/s, got " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.nextSlotNanos = nanoClock.getAsLong();
    }

    /** Waits until {@code bytes} more may be sent without exceeding the rate. */
    public void acquire(long bytes) {
        long waitNanos;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            long slot = Math.max(nextSlotNanos, now);
            nextSlotNanos = slot + Math.max(0, bytes) * 1_000_000_000L / bytesPerSecond;
            waitNanos = slot - now;
            waitedNanos += waitNanos;
        }
        sleeper.sleepNanos(waitNanos);
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Time callers have spent waiting for the bound, in total. */
    public synchronized long waitedNanos() {
        return waitedNanos;
    }
}
