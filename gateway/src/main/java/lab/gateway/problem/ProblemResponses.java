package lab.gateway.problem;

import java.time.Duration;
import java.util.Map;
import lab.gateway.trace.EdgeTrace;
import lab.platform.problem.ProblemFactory;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem from the reactive stack, with the members every node's problems carry
 * ({@code node}, {@code traceId}) through the kit's {@link ProblemFactory}.
 */
public class ProblemResponses {

    private final ProblemFactory factory;
    private final JsonMapper json;

    public ProblemResponses(ProblemFactory factory, JsonMapper json) {
        this.factory = factory;
        this.json = json;
    }

    public Mono<Void> write(ServerWebExchange exchange, ProblemType type, String detail, Duration retryAfter,
                            Map<String, Object> members) {
        ProblemDetail problem = factory.create(type, detail, exchange.getRequest().getPath().value());
        members.forEach(problem::setProperty);
        return write(exchange, type.status(), problem, retryAfter);
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, ProblemDetail problem, Duration retryAfter) {
        if (problem.getProperties() == null || !problem.getProperties().containsKey("traceId")) {
            EdgeTrace.traceId(exchange).ifPresent(id -> problem.setProperty("traceId", id));
        }
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        ProblemFactory.addRetryAfter(headers, retryAfter);
        byte[] body = json.writeValueAsBytes(problem);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
