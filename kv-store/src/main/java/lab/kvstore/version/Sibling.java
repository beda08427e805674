package lab.kvstore.version;

import java.util.Arrays;
import java.util.Objects;

/**
 * One concurrent version of a key: the bytes, their content type, when the coordinating node
 * wrote it (for humans and for the lww demonstration, never for ordering) and whether it is a
 * tombstone (a delete, which carries causality like any write).
 */
public record Sibling(byte[] value, String contentType, long timestampMillis, boolean tombstone) {

    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public Sibling {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(contentType, "contentType");
        if (tombstone && value.length > 0) {
            throw new IllegalArgumentException("a tombstone carries no value");
        }
    }

    public static Sibling tombstone(long timestampMillis) {
        return new Sibling(new byte[0], DEFAULT_CONTENT_TYPE, timestampMillis, true);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value without a defensive copy, for encoders that only read it. */
    byte[] valueUnsafe() {
        return value;
    }

    public int sizeBytes() {
        return value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sibling other && timestampMillis == other.timestampMillis && tombstone == other.tombstone
                && contentType.equals(other.contentType) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value), contentType, timestampMillis, tombstone);
    }

    @Override
    public String toString() {
        return tombstone ? "tombstone@" + timestampMillis : value.length + "B " + contentType + "@" + timestampMillis;
    }
}
