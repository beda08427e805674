package lab.gateway.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import lab.gateway.routes.EdgeServices;
import lab.gateway.routes.StaticInstances;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = InstanceChoice.class)
class FailoverConfiguration {

    @Bean
    StaticInstances staticInstances(EdgeServices table) {
        return new StaticInstances(table);
    }

    @Bean
    EdgeStateEndpoint edgeStateEndpoint(EdgeServices table, LoadBalancerClientFactory balancers, CircuitBreakerRegistry breakers) {
        return new EdgeStateEndpoint(table, balancers, breakers);
    }

    @Bean
    UpstreamObserver upstreamObserver(MeterRegistry meters, EdgeServices table) {
        return new UpstreamObserver(meters, table.services().keySet());
    }

    /**
     * One breaker per service, named after it: the breaker settings are {@code resilience4j.circuitbreaker.configs.default},
     * its time limit is the service's timeout (retry included), so no request outlives its route's deadline.
     */
    @Bean
    Customizer<ReactiveResilience4JCircuitBreakerFactory> perServiceBreakers(EdgeServices table, CircuitBreakerRegistry breakers) {
        return factory -> table.services().forEach((id, service) -> factory.configure(builder -> builder
                .circuitBreakerConfig(breakers.getDefaultConfig())
                .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(service.timeout()).cancelRunningFuture(true).build()), id));
    }
}
