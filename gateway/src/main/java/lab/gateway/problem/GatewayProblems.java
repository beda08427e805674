package lab.gateway.problem;

import static org.springframework.http.HttpStatus.BAD_GATEWAY;
import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.GATEWAY_TIMEOUT;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;
import static org.springframework.http.HttpStatus.TOO_MANY_REQUESTS;

import lab.platform.problem.ProblemType;

/** The problem types the edge itself answers with (slugs are a public contract). */
public final class GatewayProblems {

    public static final ProblemType NO_LIVE_INSTANCE =
            new ProblemType("no-live-instance", SERVICE_UNAVAILABLE, "No live instance of the service");
    public static final ProblemType CIRCUIT_OPEN =
            new ProblemType("circuit-open", SERVICE_UNAVAILABLE, "Circuit breaker open");
    public static final ProblemType UPSTREAM_TIMEOUT =
            new ProblemType("upstream-timeout", GATEWAY_TIMEOUT, "The service did not answer in time");
    public static final ProblemType UPSTREAM_UNREACHABLE =
            new ProblemType("upstream-unreachable", BAD_GATEWAY, "The service could not be reached");
    public static final ProblemType INVALID_PATH =
            new ProblemType("invalid-path", BAD_REQUEST, "Invalid request path");
    public static final ProblemType INVALID_API_KEY =
            new ProblemType("invalid-api-key", BAD_REQUEST, "Invalid X-Api-Key");
    /** Same slugs as the rate-limiter's own answers: to a client, the gateway's failure mode and the limiter's are one behaviour. */
    public static final ProblemType QUOTA_EXCEEDED =
            new ProblemType("quota-exceeded", TOO_MANY_REQUESTS, "Quota exceeded");
    public static final ProblemType LIMITER_UNAVAILABLE =
            new ProblemType("limiter-unavailable", SERVICE_UNAVAILABLE, "Rate limiter unavailable");

    private GatewayProblems() {
    }
}
