package lab.ratelimit.policy;

import io.micrometer.core.instrument.MeterRegistry;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisLink;
import lab.ratelimit.redis.RedisSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the policy set: configuration first, then Redis's set as soon as Redis answers. */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

    @Bean
    Policies policies(PolicyProperties properties) {
        return new Policies(properties.initialSet());
    }

    @Bean
    PolicyStore policyStore(GuardedRedis redis, RedisSettings settings) {
        return new PolicyStore(redis, settings.adminDeadlineMillis());
    }

    @Bean(destroyMethod = "close")
    PolicySync policySync(PolicyStore store, Policies policies, RedisLink link, MeterRegistry registry) {
        PolicySync sync = new PolicySync(store, policies, registry);
        link.subscribe(PolicyStore.CHANNEL, version -> sync.requestRefresh());
        // Before the node reports ready: enforce the cluster's set from the first request when Redis is up.
        link.connectIfNeeded();
        sync.refreshNow();
        return sync;
    }

    @Bean
    PeriodicRefresh periodicPolicyRefresh(PolicySync sync) {
        return new PeriodicRefresh(sync);
    }

    /** The safety net under pub/sub: a node that missed a message still converges within one period. */
    static final class PeriodicRefresh {
        private final PolicySync sync;

        PeriodicRefresh(PolicySync sync) {
            this.sync = sync;
        }

        @Scheduled(fixedDelayString = "${ratelimit.policy-refresh-millis:2000}", initialDelayString = "${ratelimit.policy-refresh-millis:2000}")
        void refresh() {
            sync.requestRefresh();
        }
    }
}
