package lab.gateway.routes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import lab.gateway.problem.GatewayProblems;
import lab.gateway.problem.ProblemResponses;
import lab.platform.problem.CommonProblems;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses what must never reach a service through the edge. {@code /admin/**} and {@code /internal/**}
 * are 404 (they are not routed; saying so explicitly also covers {@code /Admin}, {@code /%61dmin},
 * {@code //admin} and friends: the check is made on the decoded path with repeated slashes collapsed,
 * case-insensitively). The one exception is the gateway's own operator API ({@code /admin/api-keys}),
 * answered by the gateway itself and only under its plain spelling. Paths a
 * service's web server would normalize into something else ({@code /ids/../admin/faults},
 * {@code %2e%2e}, {@code %2f}, {@code ;} parameters, backslashes) are 400: the route is chosen on the
 * raw path, so the raw path must be the path the service sees. A declared body over the limit is 413.
 */
public class RequestGuard implements WebFilter, Ordered {

    private final ProblemResponses problems;
    private final long maxBodyBytes;

    public RequestGuard(ProblemResponses problems, long maxBodyBytes) {
        this.problems = problems;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String raw = exchange.getRequest().getURI().getRawPath();
        String problem = pathProblem(raw);
        if (problem != null) {
            return problems.write(exchange, GatewayProblems.INVALID_PATH, problem, null, Map.of());
        }
        if (isOperatorPath(raw)) {
            return problems.write(exchange, CommonProblems.NOT_FOUND_TYPE,
                    "operator and node-internal paths are not routed by the gateway; call the node on its own port", null, Map.of());
        }
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBodyBytes) {
            return problems.write(exchange, CommonProblems.PAYLOAD_TOO_LARGE,
                    "the body is " + length + " bytes; at most " + maxBodyBytes + " are accepted", null, Map.of("maxBytes", maxBodyBytes));
        }
        return chain.filter(exchange);
    }

    static String pathProblem(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return null;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || rawPath.contains("\\")) {
            return "encoded slashes and backslashes are not accepted in a path";
        }
        if (rawPath.contains(";")) {
            return "path parameters (';') are not accepted";
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEncoding) {
            return "the path is not valid percent-encoding";
        }
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "'.' and '..' segments are not accepted in a path";
            }
        }
        return null;
    }

    /** The gateway's own operator API, in its only accepted spelling; never routed to a service. */
    private static final java.util.regex.Pattern OWN_OPERATOR_API = java.util.regex.Pattern.compile("/admin/api-keys(/[0-9a-f]{64})?");

    /**
     * Whether {@code rawPath} names a service's operator or node-internal API under any spelling. Called
     * after {@link #pathProblem} accepted the path, so it decodes without error and has no dot segments.
     */
    static boolean isOperatorPath(String rawPath) {
        if (OWN_OPERATOR_API.matcher(rawPath).matches()) {
            return false;
        }
        String canonical = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8)
                .replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        return canonical.equals("/admin") || canonical.startsWith("/admin/")
                || canonical.equals("/internal") || canonical.startsWith("/internal/");
    }
}
