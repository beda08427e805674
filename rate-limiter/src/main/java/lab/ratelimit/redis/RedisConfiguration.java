package lab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the node's Redis connection, its guard and the bucket script. */
@Configuration(proxyBeanMethods = false)
public class RedisConfiguration {

    /** The breaker's name: its state is {@code resilience4j_circuitbreaker_state{name="redis"}}. */
    public static final String BREAKER = "redis";

    @Bean(destroyMethod = "close")
    RedisLink redisLink(RedisSettings settings) {
        return new RedisLink(settings);
    }

    @Bean
    GuardedRedis guardedRedis(RedisLink link, CircuitBreakerRegistry breakers, MeterRegistry registry) {
        return new GuardedRedis(link, breakers.circuitBreaker(BREAKER), registry);
    }

    @Bean
    RedisBucketScript redisBucketScript(MeterRegistry registry) {
        return new RedisBucketScript(registry);
    }

    @Bean
    Reconnector redisReconnector(RedisLink link) {
        return new Reconnector(link);
    }

    /** Opens the connections a node that started while Redis was down never had; Lettuce keeps them open after. */
    static final class Reconnector {
        private final RedisLink link;

        Reconnector(RedisLink link) {
            this.link = link;
        }

        @Scheduled(fixedDelayString = "${ratelimit.redis.reconnect-millis:500}")
        void connect() {
            link.connectIfNeeded();
        }
    }
}
