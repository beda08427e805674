package lab.idgen.core;

import java.time.Duration;

/** The generator would rather refuse than risk a duplicate; the reason says why. */
public final class IdRefusedException extends RuntimeException {

    public enum Reason {
        /** No valid worker lease: none acquired yet, or it could have expired. */
        NO_LEASE("no-lease"),
        /** The clock is further behind the last issued ID than the configured bound. */
        CLOCK_ROLLBACK("clock-rollback"),
        /** The clock does not advance (frozen) and borrowing ahead of it reached the bound. */
        CLOCK_STALLED("clock-stalled"),
        /** The time high-water mark has not been persisted far enough ahead yet. */
        NOT_RESERVED("not-reserved"),
        /** The clock is outside the layout's timestamp range. */
        OUTSIDE_LAYOUT("outside-layout");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        /** The metric tag value. */
        public String tag() {
            return tag;
        }
    }

    private final Reason reason;
    private final Duration retryAfter;
    private final long behindMillis;
    private final long neededMillis;

    private IdRefusedException(Reason reason, String message, Duration retryAfter, long behindMillis, long neededMillis) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.behindMillis = behindMillis;
        this.neededMillis = neededMillis;
    }

    static IdRefusedException noLease(String why) {
        return new IdRefusedException(Reason.NO_LEASE, why, Duration.ofSeconds(1), 0, 0);
    }

    static IdRefusedException clockRollback(long behindMillis, long maxBackwardMillis) {
        long waitMillis = Math.max(1000, behindMillis - maxBackwardMillis);
        return new IdRefusedException(Reason.CLOCK_ROLLBACK,
                "the clock is " + behindMillis + " ms behind the last issued ID, more than the "
                        + maxBackwardMillis + " ms this node absorbs; it refuses until the clock catches up",
                Duration.ofMillis(waitMillis), behindMillis, 0);
    }

    static IdRefusedException clockStalled(long stalledAheadMillis) {
        return new IdRefusedException(Reason.CLOCK_STALLED,
                "the clock has not advanced and this node has already issued " + stalledAheadMillis
                        + " ms ahead of it, the most it may borrow", Duration.ofSeconds(1), stalledAheadMillis, 0);
    }

    static IdRefusedException notReserved(long neededMillis, long reservedMillis) {
        return new IdRefusedException(Reason.NOT_RESERVED,
                "the time high-water mark is persisted up to " + reservedMillis + " but this ID needs " + neededMillis,
                Duration.ofSeconds(1), 0, neededMillis);
    }

    static IdRefusedException outsideLayout(long unixMillis, IdLayout layout) {
        return new IdRefusedException(Reason.OUTSIDE_LAYOUT,
                "the clock reads " + java.time.Instant.ofEpochMilli(unixMillis) + ", outside the ID layout " + layout,
                Duration.ofHours(1), 0, 0);
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** For {@link Reason#CLOCK_ROLLBACK}: how far the clock is behind the last issued ID. */
    public long behindMillis() {
        return behindMillis;
    }

    /** For {@link Reason#NOT_RESERVED}: the ID time that needs a reservation. */
    public long neededMillis() {
        return neededMillis;
    }
}
