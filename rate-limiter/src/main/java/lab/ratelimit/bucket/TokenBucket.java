package lab.ratelimit.bucket;

/**
 * The token-bucket arithmetic, with the clock passed in. {@code src/main/resources/lab/ratelimit/redis/bucket.lua}
 * is the same function written in Lua; a change here must be made there too.
 *
 * <p>The bucket refills continuously at {@code refillPerSecond} up to {@code capacity}. A request
 * for n permits is admitted when at least n tokens are there, and then takes them; a denied
 * request takes nothing (so clients that retry do not starve themselves). Over any interval t
 * this admits at most {@code capacity + refillPerSecond × t} permits.
 */
public final class TokenBucket {

    private TokenBucket() {
    }

    /** The decision and the state to remember afterwards. */
    public record Outcome(Decision decision, BucketState next) {
    }

    /**
     * Decides a request for {@code permits} against the state {@code prior} (null for a key never
     * seen or expired: a full bucket) at {@code nowMicros}. With {@code consume} false it only
     * says whether the permits would be admitted now and takes nothing.
     */
    public static Outcome decide(BucketConfig config, BucketState prior, long permits, boolean consume, long nowMicros) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        BucketState start = prior == null ? BucketState.full(config, nowMicros) : prior;
        // A clock that went backwards (another Redis after a failover) refills nothing rather than
        // un-spending tokens; time resumes from the latest instant seen.
        long now = Math.max(nowMicros, start.updatedMicros());
        double elapsedSeconds = (now - start.updatedMicros()) / 1_000_000.0;
        // min() also clamps a bucket whose policy shrank since its state was written.
        double tokens = Math.min(config.capacity(), start.tokens() + elapsedSeconds * config.refillPerSecond());
        boolean allowed = tokens >= permits;
        if (allowed && consume) {
            tokens -= permits;
        }
        long retryAfter = allowed ? 0 : config.microsToGain(permits - tokens);
        Decision decision = new Decision(allowed, tokens, retryAfter, config.microsToGain(config.capacity() - tokens));
        return new Outcome(decision, new BucketState(tokens, now));
    }
}
