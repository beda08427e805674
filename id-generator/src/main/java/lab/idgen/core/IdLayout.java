package lab.idgen.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a 64-bit ID is cut: a zero sign bit, then milliseconds since a custom epoch, the worker ID
 * and a per-millisecond sequence. The default is Twitter's 41/10/12. A layout is checked when the
 * service starts ({@link #requireUsableAt}): the bits must add up to 63, the epoch must be in the
 * past and the timestamp field must not run out for decades, or the node refuses to start.
 */
public record IdLayout(Instant epoch, int timestampBits, int workerBits, int sequenceBits) {

    public static final Instant DEFAULT_EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    public static final IdLayout DEFAULT = new IdLayout(DEFAULT_EPOCH, 41, 10, 12);

    public IdLayout {
        Objects.requireNonNull(epoch, "epoch");
        if (timestampBits < 1 || workerBits < 1 || sequenceBits < 1) {
            throw new IllegalArgumentException("every field of the ID layout needs at least one bit, got timestamp="
                    + timestampBits + " worker=" + workerBits + " sequence=" + sequenceBits);
        }
        if (1 + timestampBits + workerBits + sequenceBits != 64) {
            throw new IllegalArgumentException("the ID layout must fill 64 bits: 1 sign bit + " + timestampBits + " timestamp + "
                    + workerBits + " worker + " + sequenceBits + " sequence bits = " + (1 + timestampBits + workerBits + sequenceBits));
        }
        if (workerBits > 20) {
            throw new IllegalArgumentException("at most 20 worker bits (a million workers), got " + workerBits);
        }
    }

    /**
     * Refuses a layout that cannot serve now: an epoch in the future would make every timestamp
     * negative; a timestamp field that runs out within {@code minRemaining} would one day make the
     * service stop (or wrap around and collide).
     */
    public void requireUsableAt(Instant now, Duration minRemaining) {
        if (epoch.isAfter(now)) {
            throw new IllegalArgumentException("the ID epoch " + epoch + " is in the future (now " + now + ")");
        }
        Instant runsOut = runsOutAt();
        if (runsOut.isBefore(now.plus(minRemaining))) {
            throw new IllegalArgumentException("the ID layout runs out at " + runsOut + ", less than "
                    + minRemaining.toDays() / 365 + " years from now; use an later epoch or more timestamp bits");
        }
    }

    public long epochMillis() {
        return epoch.toEpochMilli();
    }

    public long maxSequence() {
        return (1L << sequenceBits) - 1;
    }

    public int maxWorkerId() {
        return (int) ((1L << workerBits) - 1);
    }

    public int workerIdCount() {
        return 1 << workerBits;
    }

    public long maxTimestampOffset() {
        return (1L << timestampBits) - 1;
    }

    /** The first instant this layout cannot encode. */
    public Instant runsOutAt() {
        return Instant.ofEpochMilli(epochMillis() + maxTimestampOffset() + 1);
    }

    /** The most IDs one worker can issue per second: the whole sequence space every millisecond. */
    public long ceilingPerSecond() {
        return (maxSequence() + 1) * 1000;
    }

    /** Whether this Unix time in milliseconds fits the timestamp field. */
    public boolean encodable(long unixMillis) {
        long offset = unixMillis - epochMillis();
        return offset >= 0 && offset <= maxTimestampOffset();
    }

    /** Packs the three fields; the caller guarantees each is in range (see {@link #encodable}). */
    public long encode(long unixMillis, int workerId, long sequence) {
        return ((unixMillis - epochMillis()) << (workerBits + sequenceBits))
                | ((long) workerId << sequenceBits)
                | sequence;
    }

    /** Checked packing, for tests and tools: every field is validated. */
    public long encodeChecked(long unixMillis, int workerId, long sequence) {
        if (!encodable(unixMillis)) {
            throw new IllegalArgumentException("time " + Instant.ofEpochMilli(unixMillis) + " is outside the layout ("
                    + epoch + " .. " + runsOutAt() + ")");
        }
        if (workerId < 0 || workerId > maxWorkerId()) {
            throw new IllegalArgumentException("worker ID " + workerId + " is outside 0.." + maxWorkerId());
        }
        if (sequence < 0 || sequence > maxSequence()) {
            throw new IllegalArgumentException("sequence " + sequence + " is outside 0.." + maxSequence());
        }
        return encode(unixMillis, workerId, sequence);
    }

    public long unixMillisOf(long id) {
        return (id >>> (workerBits + sequenceBits)) + epochMillis();
    }

    public int workerIdOf(long id) {
        return (int) ((id >>> sequenceBits) & maxWorkerId());
    }

    public long sequenceOf(long id) {
        return id & maxSequence();
    }

    /** Splits an ID into its fields; negative values are not IDs of any layout. */
    public DecodedId decode(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("an ID is never negative (its sign bit is always 0)");
        }
        return new DecodedId(id, unixMillisOf(id), workerIdOf(id), sequenceOf(id));
    }

    /** The smallest ID any worker can issue at this Unix millisecond: handy for time-range queries. */
    public long firstIdAt(long unixMillis) {
        return encode(unixMillis, 0, 0);
    }

    @Override
    public String toString() {
        return timestampBits + "/" + workerBits + "/" + sequenceBits + " bits since " + epoch;
    }
}
