package lab.gateway.routes;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import lab.gateway.ratelimit.EdgeRateLimiter;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory.RetryConfig;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.GatewayFilterSpec;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns the table of {@link EdgeServices} into gateway routes. Each service gets up to three
 * routes over the same paths, tried in this order:
 * <ol>
 *   <li>{@code <service>-stream} (streaming services only): WebSocket upgrades and SSE requests,
 *       rate limited but with no timeout and no breaker, because a stream lives as long as its client;</li>
 *   <li>{@code <service>-idempotent}: GET/HEAD/OPTIONS and any request with an {@code Idempotency-Key},
 *       retried once on another instance after a connect error, a broken connection or an attempt timeout;</li>
 *   <li>{@code <service>}: everything else, retried only when the connection was refused (the node
 *       never saw the request, so a retry cannot apply it twice).</li>
 * </ol>
 * The limiter filter runs first, then the breaker (which bounds the whole exchange by the route's
 * timeout), then the retry, inside which the load balancer picks an instance for every attempt.
 */
public final class RouteTable {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int RATE_LIMIT_ORDER = 1;
    private static final int BREAKER_ORDER = 2;
    private static final int RETRY_ORDER = 3;

    private RouteTable() {
    }

    public static RouteLocator build(RouteLocatorBuilder builder, EdgeServices table, EdgeRateLimiter limiter) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        for (Map.Entry<String, EdgeServices.Service> entry : table.services().entrySet()) {
            String id = entry.getKey();
            EdgeServices.Service service = entry.getValue();
            String[] paths = service.paths().toArray(String[]::new);
            String uri = "lb://" + id;
            if (service.streaming()) {
                routes.route(id + "-stream", r -> r.order(0).path(paths).and().predicate(RouteTable::isStream)
                        .filters(f -> f.filter(limiter.forPolicy(service.policy()), RATE_LIMIT_ORDER))
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri(uri));
            }
            routes.route(id + "-idempotent", r -> r.order(1).path(paths).and().predicate(RouteTable::isIdempotent)
                    .filters(f -> guarded(f, id, service, limiter, idempotentRetry()))
                    .metadata(RESPONSE_TIMEOUT_ATTR, service.attemptTimeout().toMillis())
                    .uri(uri));
            routes.route(id, r -> r.order(2).path(paths)
                    .filters(f -> guarded(f, id, service, limiter, connectRefusedRetry()))
                    .metadata(RESPONSE_TIMEOUT_ATTR, service.attemptTimeout().toMillis())
                    .uri(uri));
        }
        return routes.build();
    }

    private static GatewayFilterSpec guarded(GatewayFilterSpec f, String serviceId, EdgeServices.Service service,
                                             EdgeRateLimiter limiter, java.util.function.Consumer<RetryConfig> retry) {
        f.filter(limiter.forPolicy(service.policy()), RATE_LIMIT_ORDER);
        // One breaker per service, whichever of its routes a request took: it is the service that fails.
        f.circuitBreaker(c -> c.setName(serviceId));
        f.retry(retry);
        return f;
    }

    /** Once more, on any instance the load balancer has not tried yet, for failures that leave the request unapplied or repeatable. */
    private static java.util.function.Consumer<RetryConfig> idempotentRetry() {
        return c -> c.setRetries(1).allMethods().setSeries().setStatuses()
                .setExceptions(IOException.class, TimeoutException.class, org.springframework.cloud.gateway.support.TimeoutException.class)
                .setBackoff(null);
    }

    /** A refused connection never reached the node: safe to retry whatever the method. */
    private static java.util.function.Consumer<RetryConfig> connectRefusedRetry() {
        return c -> c.setRetries(1).allMethods().setSeries().setStatuses()
                .setExceptions(ConnectException.class).setBackoff(null);
    }

    static boolean isIdempotent(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || exchange.getRequest().getHeaders().containsHeader(IDEMPOTENCY_KEY);
    }

    static boolean isStream(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String upgrade = headers.getFirst(HttpHeaders.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            return true;
        }
        return headers.getOrEmpty(HttpHeaders.ACCEPT).stream().anyMatch(a -> a.contains("text/event-stream"));
    }
}
