package lab.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lab.gateway.problem.GatewayProblems;
import lab.gateway.problem.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * Charges every request to its route's policy through the rate-limiter service's internal API
 * ({@code /internal/limits/...} with the cluster credential: the edge's own policies are not public),
 * keyed by an issued {@code X-Api-Key} or else the client's address ({@link EdgeClients}). The
 * limiter's verdict is passed on as it is:
 * its RateLimit headers on an admitted request, its whole 429 (or its closed-mode 503) on a refused
 * one. When the limiter cannot answer within {@code gateway.rate-limit.timeout} (dead, partitioned,
 * failing), the policy's failure mode decides at the edge: open, closed or local buckets.
 */
public class EdgeRateLimiter {

    static final String API_KEY_HEADER = "X-Api-Key";
    static final String MODE_HEADER = "X-RateLimit-Mode";
    private static final int MAX_KEY_BYTES = 256;
    private static final List<String> PASSED_ON = List.of("RateLimit-Policy", "RateLimit", MODE_HEADER);
    private static final Logger log = LoggerFactory.getLogger(EdgeRateLimiter.class);

    private final LimiterNodes limiter;
    private final EdgeClients clients;
    private final ClusterSecretHeader secret;
    private final PolicyMirror mirror;
    private final LocalBuckets localBuckets;
    private final ProblemResponses problems;
    private final RateLimitSettings settings;
    private final MeterRegistry meters;

    EdgeRateLimiter(LimiterNodes limiter, EdgeClients clients, ClusterSecretHeader secret, PolicyMirror mirror,
                    LocalBuckets localBuckets, ProblemResponses problems, RateLimitSettings settings, MeterRegistry meters) {
        this.limiter = limiter;
        this.clients = clients;
        this.secret = secret;
        this.mirror = mirror;
        this.localBuckets = localBuckets;
        this.problems = problems;
        this.settings = settings;
        this.meters = meters;
    }

    public GatewayFilter forPolicy(String policy) {
        return (exchange, chain) -> {
            String apiKey = exchange.getRequest().getHeaders().getFirst(API_KEY_HEADER);
            if (apiKey != null && !validKey(apiKey)) {
                return problems.write(exchange, GatewayProblems.INVALID_API_KEY, "X-Api-Key must be 1 to "
                        + MAX_KEY_BYTES + " bytes of visible ASCII characters", null, Map.of());
            }
            String key = clients.bucketKey(exchange, apiKey);
            String path = "/internal/limits/" + UriUtils.encodePathSegment(policy, StandardCharsets.UTF_8) + "/"
                    + UriUtils.encodePathSegment(key, StandardCharsets.UTF_8) + "/acquire";
            return limiter.call(HttpMethod.POST, path, secret.asHeaders(), settings.timeout())
                    .map(answer -> (Object) answer)
                    .onErrorResume(error -> Mono.just(error))
                    .flatMap(outcome -> outcome instanceof LimiterNodes.Answer answer
                            ? onAnswer(exchange, chain, policy, key, answer)
                            : onUnreachable(exchange, chain, policy, key, ((Throwable) outcome).toString()));
        };
    }

    private Mono<Void> onAnswer(ServerWebExchange exchange, org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
                                String policy, String key, LimiterNodes.Answer answer) {
        if (answer.status() == 200) {
            count(policy, "allowed", "limiter");
            copyRateLimitHeaders(answer.headers(), exchange.getResponse().getHeaders());
            return chain.filter(exchange);
        }
        boolean closedVerdict = answer.status() == 503 && new String(answer.body(), StandardCharsets.UTF_8).contains("/problems/limiter-unavailable");
        if (answer.status() == 429 || closedVerdict || answer.status() == 400) {
            // The limiter's own verdict (denied, closed while its store is down, or a key it refuses): passed on whole.
            count(policy, answer.status() == 429 ? "denied" : answer.status() == 400 ? "invalid" : "unavailable", "limiter");
            return passOn(exchange, answer);
        }
        if (answer.status() == 404) {
            log.warn("The rate-limiter does not know policy '{}'; create it with PUT /admin/policies/{} on a limiter node", policy, policy);
        }
        if (answer.status() == 401 || answer.status() == 403) {
            log.warn("The rate-limiter refused the gateway's cluster credential ({}): is CLUSTER_SECRET the same on both?", answer.status());
        }
        return onUnreachable(exchange, chain, policy, key, "the limiter answered " + answer.status());
    }

    private Mono<Void> onUnreachable(ServerWebExchange exchange, org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
                                     String policy, String key, String reason) {
        PolicyShape shape = mirror.find(policy).orElse(null);
        FailureMode mode = shape != null ? shape.failureMode() : settings.unknownPolicyMode();
        Counter.builder("gateway.ratelimit.failure.mode").description("requests decided by a policy's failure mode at the edge")
                .tag("policy", policy).tag("mode", mode.label()).register(meters).increment();
        log.debug("Rate-limiter unusable for policy {} ({}); failure mode {}", policy, reason, mode.label());
        HttpHeaders headers = exchange.getResponse().getHeaders();
        switch (mode) {
            case OPEN -> {
                count(policy, "allowed", "failure-mode");
                headers.set(MODE_HEADER, mode.label());
                return chain.filter(exchange);
            }
            case CLOSED -> {
                count(policy, "unavailable", "failure-mode");
                headers.set(MODE_HEADER, mode.label());
                return problems.write(exchange, GatewayProblems.LIMITER_UNAVAILABLE, "the rate-limiter cannot be reached and policy '"
                        + policy + "' fails closed", Duration.ofSeconds(1), Map.of("policy", policy, "mode", mode.label()));
            }
            default -> {
                LocalBuckets.Verdict verdict = localBuckets.acquire(shape, key);
                headers.set("RateLimit-Policy", "\"" + policy + "\";q=" + shape.capacity() + ";w=" + shape.windowSeconds());
                headers.set("RateLimit", "\"" + policy + "\";r=" + verdict.remaining() + ";t=" + verdict.fullInSeconds());
                headers.set(MODE_HEADER, mode.label());
                if (verdict.allowed()) {
                    count(policy, "allowed", "failure-mode");
                    return chain.filter(exchange);
                }
                count(policy, "denied", "failure-mode");
                return problems.write(exchange, GatewayProblems.QUOTA_EXCEEDED, "policy '" + policy + "' admits " + shape.capacity()
                                + " per burst and " + shape.refillPerSecond() + " per second (enforced by the gateway while the rate-limiter is unreachable)",
                        Duration.ofSeconds(verdict.retryAfterSeconds()),
                        Map.of("policy", policy, "mode", mode.label(), "remaining", verdict.remaining(), "limit", shape.capacity()));
            }
        }
    }

    private void count(String policy, String outcome, String source) {
        Counter.builder("gateway.ratelimit.decisions").description("edge rate-limit decisions; source limiter or failure-mode")
                .tag("policy", policy).tag("outcome", outcome).tag("source", source).register(meters).increment();
    }

    private static Mono<Void> passOn(ServerWebExchange exchange, LimiterNodes.Answer answer) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(answer.status()));
        HttpHeaders headers = response.getHeaders();
        copyRateLimitHeaders(answer.headers(), headers);
        for (String name : List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.CONTENT_TYPE)) {
            String value = answer.headers().getFirst(name);
            if (value != null) {
                headers.set(name, value);
            }
        }
        headers.setContentLength(answer.body().length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(answer.body())));
    }

    private static void copyRateLimitHeaders(HttpHeaders from, HttpHeaders to) {
        for (String name : PASSED_ON) {
            List<String> values = from.get(name);
            if (values != null) {
                to.put(name, values);
            }
        }
    }

    private static boolean validKey(String key) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return false;
        }
        return key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
