package lab.kvstore.handoff;

import lab.kvstore.version.VersionedValue;

/**
 * A write held for a replica that could not take it: the value to join into {@code target}'s
 * copy of {@code key} once it is back. Replaying is a join, so replaying twice is harmless.
 */
public record Hint(long sequence, String target, byte[] key, VersionedValue value, long createdMillis) {

    public long sizeBytes() {
        return key.length + value.valueBytes() + 64;
    }
}
