package lab.gateway.trace;

import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The trace of a request at the edge. The server observation accepts a W3C {@code traceparent}
 * from the client or starts a new trace; Spring Cloud Gateway's client observation passes it on to
 * the service. This filter hands the trace id back in {@code X-Trace-Id}, so whoever sent a request
 * can find its log lines on every node it touched.
 */
public class EdgeTrace implements WebFilter, Ordered {

    public static final String TRACE_ID_HEADER = "X-Trace-Id";

    public static Optional<String> traceId(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> (TracingObservationHandler.TracingContext) context.get(TracingObservationHandler.TracingContext.class))
                .map(tracing -> tracing.getSpan())
                .map(span -> span.context().traceId());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            traceId(exchange).ifPresent(id -> exchange.getResponse().getHeaders().set(TRACE_ID_HEADER, id));
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
