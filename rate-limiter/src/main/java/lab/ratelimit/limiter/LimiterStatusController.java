package lab.ratelimit.limiter;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.platform.identity.NodeIdentity;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.membership.LivePeers;
import lab.ratelimit.policy.Policies;
import lab.ratelimit.policy.PolicySet;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisLink;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/limiter}: what this node believes about Redis, its peers and each policy's mode. */
@RestController
public class LimiterStatusController {

    private final NodeIdentity identity;
    private final GuardedRedis redis;
    private final RedisLink link;
    private final LivePeers peers;
    private final Policies policies;
    private final RateLimiter limiter;
    private final LocalBuckets local;

    public LimiterStatusController(NodeIdentity identity, GuardedRedis redis, RedisLink link, LivePeers peers,
                                   Policies policies, RateLimiter limiter, LocalBuckets local) {
        this.identity = identity;
        this.redis = redis;
        this.link = link;
        this.peers = peers;
        this.policies = policies;
        this.limiter = limiter;
        this.local = local;
    }

    @GetMapping("/admin/limiter")
    public Map<String, Object> status() {
        CircuitBreaker breaker = redis.breaker();
        Map<String, Object> redisView = new LinkedHashMap<>();
        redisView.put("address", link.address());
        redisView.put("connected", link.isConnected());
        redisView.put("breaker", breaker.getState().name().toLowerCase(java.util.Locale.ROOT));
        redisView.put("failureRatePercent", breaker.getMetrics().getFailureRate());
        PolicySet set = policies.current();
        Map<String, Object> modes = new LinkedHashMap<>();
        set.policies().values().forEach(p -> modes.put(p.name(), limiter.modeOf(p).label()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", identity.nodeId());
        body.put("redis", redisView);
        body.put("liveNodes", peers.liveNodes());
        body.put("localShareOf", limiter.limiterNodes());
        body.put("peers", peers.view());
        body.put("policyVersion", set.version());
        body.put("policySource", set.source());
        body.put("modes", modes);
        body.put("localKeys", local.size());
        return body;
    }
}
