package lab.gateway.failover;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

/**
 * The load balancer of every service (a child context per service, see {@link FailoverConfiguration}):
 * instances from the route table, filtered by health checks of each node's readiness probe, chosen by
 * {@link AvoidTriedRoundRobin}. Not a {@code @Configuration} scanned into the main context on purpose.
 */
public class InstanceChoice {

    @Bean
    ServiceInstanceListSupplier healthCheckedInstances(ConfigurableApplicationContext context) {
        return ServiceInstanceListSupplier.builder().withDiscoveryClient().withHealthChecks().build(context);
    }

    @Bean
    ReactorLoadBalancer<ServiceInstance> avoidTriedRoundRobin(ObjectProvider<ServiceInstanceListSupplier> suppliers,
                                                              ReactiveDiscoveryClient discovery, Environment environment) {
        String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        return new AvoidTriedRoundRobin(suppliers, () -> discovery.getInstances(serviceId).collectList());
    }
}
