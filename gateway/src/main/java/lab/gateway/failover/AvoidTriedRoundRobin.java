package lab.gateway.failover;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

/**
 * Round robin over the instances that passed their last health check, skipping any instance this
 * exchange was already sent to. Spring Cloud's own round robin would hand a retry to whichever
 * instance is next for all traffic, which under concurrency is often the one that just failed.
 */
public class AvoidTriedRoundRobin implements ReactorServiceInstanceLoadBalancer {

    private final ObjectProvider<ServiceInstanceListSupplier> suppliers;
    private final Supplier<Mono<List<ServiceInstance>>> allConfigured;
    private final AtomicInteger position = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(1000));

    /**
     * @param allConfigured every configured instance, healthy or not: when none passed its last health
     *                      check the balancer tries them all (Envoy's "panic" routing), so a gateway whose
     *                      probes are slow (an overloaded machine) does not refuse traffic to nodes that
     *                      serve; dead ones fail fast with a refused connection and the retry moves on.
     */
    public AvoidTriedRoundRobin(ObjectProvider<ServiceInstanceListSupplier> suppliers, Supplier<Mono<List<ServiceInstance>>> allConfigured) {
        this.suppliers = suppliers;
        this.allConfigured = allConfigured;
    }

    @Override
    public Mono<Response<ServiceInstance>> choose(Request request) {
        ServiceInstanceListSupplier supplier = suppliers.getIfAvailable();
        if (supplier == null) {
            return Mono.just(new EmptyResponse());
        }
        Set<String> tried = request.getContext() instanceof RequestDataContext context
                && context.getClientRequest() != null && context.getClientRequest().getAttributes() != null
                ? TriedInstances.peek(context.getClientRequest().getAttributes()) : Set.of();
        return supplier.get(request).next()
                .flatMap(healthy -> healthy.isEmpty() ? allConfigured.get() : Mono.just(healthy))
                .map(instances -> pick(instances, tried));
    }

    Response<ServiceInstance> pick(List<ServiceInstance> instances, Set<String> tried) {
        if (instances.isEmpty()) {
            return new EmptyResponse();
        }
        List<ServiceInstance> fresh = instances.stream().filter(i -> !tried.contains(i.getInstanceId())).toList();
        // Every live instance tried already: go round again rather than fail a retry that may succeed.
        List<ServiceInstance> candidates = fresh.isEmpty() ? instances : fresh;
        int next = Math.floorMod(position.getAndIncrement(), candidates.size());
        return new DefaultResponse(candidates.get(next));
    }
}
