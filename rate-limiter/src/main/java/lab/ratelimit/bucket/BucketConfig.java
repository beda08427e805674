package lab.ratelimit.bucket;

/**
 * The shape of one token bucket: how many tokens it holds when full (the burst) and how many
 * it gains per second. Capacity is fractional so that a policy split across nodes
 * ({@link #share(int)}) keeps the exact total: 5 tokens over 2 nodes is 2.5 each, not 2 or 3.
 */
public record BucketConfig(double capacity, double refillPerSecond) {

    public BucketConfig {
        if (!(capacity > 0) || Double.isInfinite(capacity)) {
            throw new IllegalArgumentException("capacity must be a positive finite number, got " + capacity);
        }
        if (!(refillPerSecond > 0) || Double.isInfinite(refillPerSecond)) {
            throw new IllegalArgumentException("refillPerSecond must be a positive finite number, got " + refillPerSecond);
        }
    }

    /** This bucket divided evenly among {@code nodes} nodes; their sum is this bucket again. */
    public BucketConfig share(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a share is taken among at least one node, got " + nodes);
        }
        return new BucketConfig(capacity / nodes, refillPerSecond / nodes);
    }

    /** Microseconds the bucket needs to gain {@code tokens} tokens, rounded up. */
    long microsToGain(double tokens) {
        if (tokens <= 0) {
            return 0;
        }
        return (long) Math.ceil(tokens * 1_000_000.0 / refillPerSecond);
    }
}
