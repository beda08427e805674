package lab.gateway.failover;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.Set;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Runs right after the load balancer chose an instance, on every attempt: remembers the instance
 * (so a retry avoids it), counts retries, names the instance in {@code X-Gateway-Instance} and times
 * the upstream until its answer's headers ({@code gateway.upstream.requests}, tagged by service,
 * instance and outcome; both are bounded by the route table).
 */
public class UpstreamObserver implements GlobalFilter, Ordered {

    public static final String INSTANCE_HEADER = "X-Gateway-Instance";

    private final MeterRegistry meters;

    /** {@code services}: the route table's, whose retry counters start at 0 so a dashboard reads 0 before the first retry. */
    public UpstreamObserver(MeterRegistry meters, Collection<String> services) {
        this.meters = meters;
        services.forEach(this::retries);
    }

    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Response<ServiceInstance> chosen = exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        if (chosen == null || !chosen.hasServer()) {
            return chain.filter(exchange);
        }
        ServiceInstance instance = chosen.getServer();
        String service = instance.getServiceId();
        Set<String> tried = TriedInstances.of(exchange.getAttributes());
        if (!tried.isEmpty()) {
            retries(service).increment();
        }
        tried.add(instance.getInstanceId());
        exchange.getResponse().getHeaders().set(INSTANCE_HEADER, instance.getInstanceId());
        long startNanos = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> Timer.builder("gateway.upstream.requests")
                .description("time from sending to an instance until its answer's headers")
                .tag("service", service)
                .tag("instance", instance.getInstanceId())
                .tag("outcome", outcome(signal, exchange.getResponse().getStatusCode()))
                .publishPercentileHistogram()
                .register(meters)
                .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private Counter retries(String service) {
        return Counter.builder("gateway.retries").description("attempts sent to another instance after a failed one")
                .tag("service", service).register(meters);
    }

    private static String outcome(SignalType signal, HttpStatusCode status) {
        if (signal == SignalType.ON_ERROR) {
            return "error";
        }
        if (signal == SignalType.CANCEL) {
            return "cancelled";
        }
        return status == null ? "unknown" : (status.value() / 100) + "xx";
    }
}
