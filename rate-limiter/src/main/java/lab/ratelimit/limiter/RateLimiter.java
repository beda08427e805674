package lab.ratelimit.limiter;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.policy.Policy;
import lab.ratelimit.redis.Delivery;
import lab.ratelimit.redis.RedisUnavailableException;

/**
 * One decision: the global bucket when Redis answers in time, otherwise the policy's failure
 * mode. Plain Java with its stores passed in, so tests drive every branch.
 *
 * <p>The {@code local} mode gives each node {@code 1/n} of the policy, n being the limiter nodes
 * the cluster is configured with (itself included), whether or not they are reachable now. A node's
 * local bucket is one continuous bucket of that share for the node's lifetime (kept across outages,
 * never reset), so in any interval t a node admits in local mode at most
 * {@code capacity/n + rate/n × t}, and all nodes together at most the policy's own bound, even when
 * they cannot see each other. A dividing count taken from the nodes a node can reach would move
 * with every missed liveness probe and let a loaded node take the whole policy for itself.
 *
 * <p>A decision is {@code global} only when Redis answered it within the deadline. Otherwise the
 * failure mode decides and says so. A {@code local} policy takes from its local share only when
 * Redis certainly did not run the request (the breaker is open, or there is no connection): after a
 * missed deadline the script may still run and count the request globally, and admitting it from a
 * full local share as well would admit, while Redis is up, beyond the global bound. Such an acquire
 * is refused instead ({@code local} verdict without a decision: 503, retry); Redis may spend a token
 * for it, which only makes the global bucket stricter. Under a real outage the breaker opens within
 * a handful of calls and the local shares take over.
 */
public final class RateLimiter {

    private final RemoteBuckets remote;
    private final LocalBuckets local;
    private final IntSupplier limiterNodes;
    private final BooleanSupplier remoteHealthy;

    /**
     * @param limiterNodes  how many nodes share the policy in the {@code local} mode (the configured cluster size)
     * @param remoteHealthy whether the remote is believed healthy right now (the breaker is closed):
     *                      the mode a policy is in when nobody is asking
     */
    public RateLimiter(RemoteBuckets remote, LocalBuckets local, IntSupplier limiterNodes, BooleanSupplier remoteHealthy) {
        this.remote = remote;
        this.local = local;
        this.limiterNodes = limiterNodes;
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
                // A look takes nothing, in Redis or here: it may always be answered from the local share.
                case LOCAL -> e.delivery() == Delivery.NOT_SENT || !consume
                        ? new Verdict(policy, Mode.LOCAL,
                                local.decide(bucketKey, policy.bucket().share(Math.max(1, limiterNodes.getAsInt())), permits, consume))
                        : new Verdict(policy, Mode.LOCAL, null);
            };
        }
    }

    /** The mode {@code policy} is in right now: global while the remote is healthy, else its failure mode. */
    public Mode modeOf(Policy policy) {
        return remoteHealthy.getAsBoolean() ? Mode.GLOBAL : Mode.of(policy.failureMode());
    }

    /** The divisor of the {@code local} share. */
    public int limiterNodes() {
        return limiterNodes.getAsInt();
    }
}
