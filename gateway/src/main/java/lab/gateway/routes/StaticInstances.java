package lab.gateway.routes;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;

/**
 * The instance lists of the route table as a discovery client, so Spring Cloud LoadBalancer
 * (with its health checks) works the same over static lists here as over Kubernetes discovery.
 */
public class StaticInstances implements ReactiveDiscoveryClient {

    private final EdgeServices table;

    public StaticInstances(EdgeServices table) {
        this.table = table;
    }

    @Override
    public String description() {
        return "gateway.services instance lists";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        EdgeServices.Service service = table.services().get(serviceId);
        if (service == null) {
            return Flux.empty();
        }
        return Flux.fromIterable(service.staticInstances(serviceId)).map(i -> i.toServiceInstance(serviceId));
    }

    @Override
    public Flux<String> getServices() {
        return Flux.fromIterable(table.services().keySet());
    }
}
