package lab.gateway.problem;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error the edge answers becomes a problem+json: a service with no live instance, an open
 * breaker, an upstream that timed out or could not be reached, no route (404), and anything else.
 * Runs before Boot's own handler, which would answer with its JSON error format.
 */
public class EdgeErrorHandler implements ErrorWebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(EdgeErrorHandler.class);
    /** A health check runs every second: by then another instance may be back. */
    private static final Duration NO_INSTANCE_RETRY_AFTER = Duration.ofSeconds(1);

    private final ProblemResponses problems;
    private final Duration breakerOpenFor;

    public EdgeErrorHandler(ProblemResponses problems, Duration breakerOpenFor) {
        this.problems = problems;
        this.breakerOpenFor = breakerOpenFor;
    }

    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        String service = serviceOf(exchange);
        return switch (error) {
            case ProblemException e -> problems.write(exchange, e.type(), e.detail(), e.retryAfterOrNull(), e.properties());
            case NotFoundException e -> problems.write(exchange, GatewayProblems.NO_LIVE_INSTANCE,
                    "no instance of " + service + " passed its last health check", NO_INSTANCE_RETRY_AFTER, Map.of("service", service));
            case ServiceUnavailableException e -> problems.write(exchange, GatewayProblems.CIRCUIT_OPEN,
                    "the breaker of " + service + " is open after repeated failures; requests are refused until it probes again",
                    breakerOpenFor, Map.of("service", service));
            case Throwable e when causedBy(e, TimeoutException.class) || causedBy(e, org.springframework.cloud.gateway.support.TimeoutException.class)
                    || (e instanceof ResponseStatusException r && r.getStatusCode().value() == 504) -> problems.write(exchange,
                    GatewayProblems.UPSTREAM_TIMEOUT, service + " did not answer within the route's timeout", null, Map.of("service", service));
            // Every instance tried refused the connection: none is alive, whatever the last health check said.
            case Throwable e when causedBy(e, ConnectException.class) -> problems.write(exchange, GatewayProblems.NO_LIVE_INSTANCE,
                    "no instance of " + service + " accepted a connection", NO_INSTANCE_RETRY_AFTER, Map.of("service", service));
            case Throwable e when causedBy(e, IOException.class) -> problems.write(exchange,
                    GatewayProblems.UPSTREAM_UNREACHABLE, service + " could not be reached: " + e.getMessage(),
                    NO_INSTANCE_RETRY_AFTER, Map.of("service", service));
            case ResponseStatusException e -> problems.write(exchange, byStatus(e), e.getReason() != null ? e.getReason()
                    : HttpStatus.valueOf(e.getStatusCode().value()).getReasonPhrase(), null, Map.of());
            default -> {
                log.error("Unexpected error at the edge for {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), error);
                yield problems.write(exchange, CommonProblems.INTERNAL_ERROR, "unexpected error at the gateway", null, Map.of());
            }
        };
    }

    private static ProblemType byStatus(ResponseStatusException e) {
        return switch (e.getStatusCode().value()) {
            case 404 -> CommonProblems.NOT_FOUND_TYPE;
            case 405 -> CommonProblems.METHOD_NOT_ALLOWED_TYPE;
            case 406 -> CommonProblems.NOT_ACCEPTABLE_TYPE;
            case 413 -> CommonProblems.PAYLOAD_TOO_LARGE;
            case 415 -> CommonProblems.UNSUPPORTED_MEDIA_TYPE_TYPE;
            case 503 -> CommonProblems.SERVICE_UNAVAILABLE_TYPE;
            default -> e.getStatusCode().is4xxClientError() ? CommonProblems.BAD_REQUEST_TYPE : CommonProblems.INTERNAL_ERROR;
        };
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> kind) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String serviceOf(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        return route != null && route.getUri().getHost() != null ? route.getUri().getHost() : "the service";
    }
}
