package lab.platform.problem;

import java.time.Duration;
import java.util.Map;
import lab.platform.identity.NodeIdentity;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

/**
 * Builds every problem body the node sends, so that all of them carry the same members:
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}, the answering
 * {@code node} and, inside a traced request, its {@code traceId}.
 */
public final class ProblemFactory {

    private final NodeIdentity identity;

    public ProblemFactory(NodeIdentity identity) {
        this.identity = identity;
    }

    public ProblemDetail create(ProblemType type, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        return decorate(problem, instance);
    }

    public ProblemDetail create(ProblemException exception, String instance) {
        ProblemDetail problem = create(exception.type(), exception.detail(), instance);
        for (Map.Entry<String, Object> property : exception.properties().entrySet()) {
            problem.setProperty(property.getKey(), property.getValue());
        }
        return problem;
    }

    /** Adds the node and trace members to a problem built elsewhere (for example by Spring MVC). */
    public ProblemDetail decorate(ProblemDetail problem, String instance) {
        if (instance != null && problem.getInstance() == null) {
            problem.setInstance(java.net.URI.create(instance.isEmpty() ? "/" : safeInstance(instance)));
        }
        problem.setProperty("node", identity.nodeId());
        String traceId = MDC.get("traceId");
        if (traceId != null && !traceId.isBlank()) {
            problem.setProperty("traceId", traceId);
        }
        return problem;
    }

    public static void addRetryAfter(HttpHeaders headers, Duration retryAfter) {
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
    }

    /** A request path may hold characters a URI refuses; an error must never fail on them. */
    private static String safeInstance(String path) {
        try {
            return java.net.URI.create(path).toString();
        } catch (IllegalArgumentException notAUri) {
            return java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8).replace("%2F", "/");
        }
    }
}
