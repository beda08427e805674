package lab.gateway.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gateway.routes.EdgeServices;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /actuator/edge}: what the gateway believes about each service: its configured instances,
 * the ones that passed their last health check, and its breaker. The gateway forwards no
 * {@code /admin/**}, so its own view lives with its other actuator endpoints.
 */
@Endpoint(id = "edge")
public class EdgeStateEndpoint {

    private final EdgeServices table;
    private final LoadBalancerClientFactory balancers;
    private final CircuitBreakerRegistry breakers;

    public EdgeStateEndpoint(EdgeServices table, LoadBalancerClientFactory balancers, CircuitBreakerRegistry breakers) {
        this.table = table;
        this.balancers = balancers;
        this.breakers = breakers;
    }

    @ReadOperation
    public Mono<Map<String, Object>> state() {
        return Flux.fromIterable(table.services().entrySet())
                .concatMap(entry -> live(entry.getKey()).map(live -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("paths", entry.getValue().paths());
                    view.put("policy", entry.getValue().policy());
                    view.put("timeout", entry.getValue().timeout().toString());
                    view.put("instances", entry.getValue().instances());
                    view.put("live", live);
                    breakers.find(entry.getKey()).ifPresent(b -> view.put("breaker", Map.of(
                            "state", b.getState().name(), "failureRate", b.getMetrics().getFailureRate())));
                    return Map.entry(entry.getKey(), (Object) view);
                }))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
    }

    private Mono<List<String>> live(String serviceId) {
        ServiceInstanceListSupplier supplier = balancers.getInstance(serviceId, ServiceInstanceListSupplier.class);
        if (supplier == null) {
            return Mono.just(List.of());
        }
        return supplier.get().next()
                .map(instances -> instances.stream().map(ServiceInstance::getInstanceId).toList())
                .timeout(Duration.ofSeconds(2), Mono.just(List.of()));
    }
}
