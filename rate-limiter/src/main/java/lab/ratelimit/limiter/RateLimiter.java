package lab.ratelimit.limiter;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.policy.Policy;
import lab.ratelimit.redis.RedisUnavailableException;

/**
 * One decision: the global bucket when Redis answers in time, otherwise the policy's failure
 * mode. Plain Java with its stores passed in, so tests drive every branch.
 *
 * <p>The {@code local} mode gives each node {@code 1/n} of the policy, n being the limiter nodes
 * this node can currently reach (itself included). While all n nodes are up and see each other
 * the cluster admits at most the policy's bound plus one share-sized burst per outage start
 * (the local buckets start full); a partition in which each side counts only itself lets each
 * side admit its own full share, up to n times the limit. That is the price of staying
 * available without the store, and why {@code closed} exists.
 */
public final class RateLimiter {

    private final RemoteBuckets remote;
    private final LocalBuckets local;
    private final IntSupplier liveNodes;
    private final BooleanSupplier remoteHealthy;

    /**
     * @param remoteHealthy whether the remote is believed healthy right now (the breaker is closed):
     *                      the mode a policy is in when nobody is asking
     */
    public RateLimiter(RemoteBuckets remote, LocalBuckets local, IntSupplier liveNodes, BooleanSupplier remoteHealthy) {
        this.remote = remote;
        this.local = local;
        this.liveNodes = liveNodes;
        this.remoteHealthy = remoteHealthy;
    }

    /** Decides {@code permits} of {@code policy} for {@code key}; with {@code consume} false, only looks. */
    public Verdict decide(Policy policy, String key, long permits, boolean consume) {
        if (permits < 1 || permits > policy.capacity()) {
            throw new IllegalArgumentException("permits must be between 1 and the capacity " + policy.capacity()
                    + " of policy " + policy.name() + ", got " + permits);
        }
        String bucketKey = policy.name() + ":" + key;
        try {
            return new Verdict(policy, Mode.GLOBAL, remote.decide(bucketKey, policy.bucket(), permits, consume));
        } catch (RedisUnavailableException e) {
            return switch (policy.failureMode()) {
                case OPEN -> new Verdict(policy, Mode.OPEN, new Decision(true, policy.capacity(), 0, 0));
                case CLOSED -> new Verdict(policy, Mode.CLOSED, null);
                case LOCAL -> new Verdict(policy, Mode.LOCAL,
                        local.decide(bucketKey, policy.bucket().share(Math.max(1, liveNodes.getAsInt())), permits, consume));
            };
        }
    }

    /** The mode {@code policy} is in right now: global while the remote is healthy, else its failure mode. */
    public Mode modeOf(Policy policy) {
        return remoteHealthy.getAsBoolean() ? Mode.GLOBAL : Mode.of(policy.failureMode());
    }

    public int liveNodes() {
        return liveNodes.getAsInt();
    }
}
