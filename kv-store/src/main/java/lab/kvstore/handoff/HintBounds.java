package lab.kvstore.handoff;

/**
 * Limits of the hints held for one target. Past {@code maxHints} or {@code maxBytes} a new hint
 * is refused (and counted as dropped): the write then does not count toward W through this node,
 * and anti-entropy is what repairs the target. A hint older than {@code maxAgeMillis} is dropped
 * instead of replayed, as Cassandra's max_hint_window: after that long, anti-entropy is cheaper
 * than a backlog. (Tombstone collection keeps the key's causal context, so even a hint older than
 * a collected tombstone joins in as nothing; no clock comparison is needed for that.)
 */
public record HintBounds(long maxHints, long maxBytes, long maxAgeMillis) {

    public HintBounds {
        if (maxHints < 1 || maxBytes < 1 || maxAgeMillis < 1) {
            throw new IllegalArgumentException("hint bounds must be positive: " + maxHints + ", " + maxBytes + ", " + maxAgeMillis);
        }
    }
}
