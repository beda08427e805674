package lab.gateway.ratelimit;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.gateway.failover.TriedInstances;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Calls the rate-limiter's nodes through the same load balancer as the routes (health-checked, and a
 * retry avoids the node that refused the connection). A refused connection is the only failure retried:
 * an acquire is not idempotent, and a refused connection proves the node never took a token.
 */
class LimiterNodes {

    /** An answer of a limiter node, kept whole so a 429 can be passed on unchanged. */
    record Answer(int status, HttpHeaders headers, byte[] body) {
    }

    private final String serviceId;
    private final ReactiveLoadBalancer.Factory<ServiceInstance> balancers;
    private final WebClient http;

    LimiterNodes(String serviceId, ReactiveLoadBalancer.Factory<ServiceInstance> balancers, WebClient http) {
        this.serviceId = serviceId;
        this.balancers = balancers;
        this.http = http;
    }

    Mono<Answer> call(HttpMethod method, String path, Map<String, String> headers, Duration deadline) {
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        return Mono.defer(() -> choose(method, attributes).flatMap(instance -> {
                    TriedInstances.of(attributes).add(instance.getInstanceId());
                    return send(instance, method, path, headers);
                }))
                .retryWhen(Retry.max(1).filter(LimiterNodes::refused))
                .timeout(deadline);
    }

    private Mono<ServiceInstance> choose(HttpMethod method, Map<String, Object> attributes) {
        ReactiveLoadBalancer<ServiceInstance> balancer = balancers.getInstance(serviceId);
        if (balancer == null) {
            return Mono.error(NotFoundException.create(false, "no load balancer for " + serviceId));
        }
        RequestData data = new RequestData(method, URI.create("http://" + serviceId), new HttpHeaders(),
                new LinkedMultiValueMap<>(), attributes);
        return Mono.from(balancer.choose(new DefaultRequest<>(new RequestDataContext(data))))
                .filter(Response::hasServer)
                .map(Response::getServer)
                .switchIfEmpty(Mono.error(() -> NotFoundException.create(false, "no live instance of " + serviceId)));
    }

    private Mono<Answer> send(ServiceInstance instance, HttpMethod method, String path, Map<String, String> headers) {
        return http.method(method)
                .uri(instance.getUri().resolve(path))
                .headers(h -> headers.forEach(h::set))
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .map(body -> new Answer(response.statusCode().value(), response.headers().asHttpHeaders(), body)));
    }

    private static boolean refused(Throwable error) {
        return error instanceof WebClientRequestException e && e.getCause() instanceof ConnectException;
    }
}
