package lab.ratelimit.limiter;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.membership.LivePeers;
import lab.ratelimit.policy.Policies;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisBucketScript;
import lab.ratelimit.redis.RedisSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the limiter: Redis buckets behind the guard, local buckets, the live-node count. */
@Configuration(proxyBeanMethods = false)
public class LimiterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LimiterConfiguration.class);

    @Bean
    LocalBuckets localBuckets(@Value("${ratelimit.local.max-keys:100000}") long maxKeys, MeterRegistry registry) {
        long origin = System.nanoTime();
        LocalBuckets buckets = new LocalBuckets(maxKeys, Duration.ofMinutes(10),
                () -> TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - origin));
        Gauge.builder("ratelimit.local.keys", buckets, LocalBuckets::size)
                .description("Keys with an in-memory bucket on this node (local failure mode)").register(registry);
        return buckets;
    }

    @Bean
    RateLimiter rateLimiter(GuardedRedis redis, RedisBucketScript script, RedisSettings settings, LocalBuckets local,
                            LivePeers peers) {
        long deadline = settings.deadlineMillis();
        CircuitBreaker breaker = redis.breaker();
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            switch (transition.getToState()) {
                case OPEN, FORCED_OPEN -> log.warn("Redis breaker {}: policies now follow their failure modes "
                        + "(open admits, closed refuses, local uses in-memory shares of 1/{})", transition, peers.clusterSize());
                // The local buckets are kept: one continuous bucket per key is what bounds a node's local
                // admissions over any interval; emptying them would hand out a fresh burst per outage.
                case CLOSED -> log.info("Redis breaker {}: global enforcement resumed", transition);
                default -> log.info("Redis breaker {}", transition);
            }
        });
        return new RateLimiter(
                (key, config, permits, consume) -> redis.call(deadline, r -> script.decide(r, key, config, permits, consume)),
                local, peers::clusterSize, () -> breaker.getState() == CircuitBreaker.State.CLOSED);
    }

    @Bean
    LimiterMetrics limiterMetrics(MeterRegistry registry, RateLimiter limiter, Policies policies) {
        return new LimiterMetrics(registry, limiter, policies);
    }
}
