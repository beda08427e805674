package lab.ratelimit.bucket;

/**
 * All a token bucket remembers: the tokens it held at {@code updatedMicros}. O(1) per key:
 * the refill since then is computed, never stored. The Redis script keeps exactly these two
 * numbers in one string value, {@code "<tokens> <updatedMicros>"}.
 */
public record BucketState(double tokens, long updatedMicros) {

    public BucketState {
        if (Double.isNaN(tokens) || tokens < 0) {
            throw new IllegalArgumentException("a bucket cannot hold " + tokens + " tokens");
        }
    }

    /** A bucket seen for the first time is full. */
    public static BucketState full(BucketConfig config, long nowMicros) {
        return new BucketState(config.capacity(), nowMicros);
    }
}
