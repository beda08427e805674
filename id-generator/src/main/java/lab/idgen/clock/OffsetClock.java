package lab.idgen.clock;

import lab.idgen.core.TimeSource;

/**
 * The machine clock plus an operator-set offset: the clock IDs are made from. A negative offset
 * is a clock set back (the drill of a rollback), a positive one a clock that jumped ahead. The
 * monotonic clock used for lease deadlines is never offset: skewing the wall clock must not
 * stretch a lease.
 */
public final class OffsetClock implements TimeSource {

    private final TimeSource base;
    private volatile long offsetMillis;

    public OffsetClock(TimeSource base, long initialOffsetMillis) {
        this.base = base;
        this.offsetMillis = initialOffsetMillis;
    }

    @Override
    public long currentMillis() {
        return base.currentMillis() + offsetMillis;
    }

    @Override
    public long nanoTime() {
        return base.nanoTime();
    }

    public long offsetMillis() {
        return offsetMillis;
    }

    public void setOffsetMillis(long offsetMillis) {
        this.offsetMillis = offsetMillis;
    }
}
