package lab.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The policies the rate-limiter holds, re-read every few seconds from its operator API
 * ({@code GET /admin/policies} with the cluster's admin token). The edge needs them only when the
 * limiter cannot be asked: then each policy's failure mode and, for {@code local}, its capacity and
 * rate decide. The limiter stays the one place where policies are defined and changed.
 */
class PolicyMirror implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PolicyMirror.class);

    private final LimiterNodes limiter;
    private final JsonMapper json;
    private final String adminToken;
    private final RefreshLoop loop;
    private final Duration deadline;
    private final Counter refreshed;
    private final Counter failed;
    private volatile Map<String, PolicyShape> policies = Map.of();
    private volatile Instant lastRefresh;
    private volatile boolean lastFailed;

    PolicyMirror(LimiterNodes limiter, JsonMapper json, String adminToken, Duration period, Duration deadline, MeterRegistry meters) {
        this.limiter = limiter;
        this.json = json;
        this.adminToken = adminToken;
        this.loop = new RefreshLoop(period, this::refresh);
        this.deadline = deadline;
        this.refreshed = Counter.builder("gateway.ratelimit.policies.refresh").tag("outcome", "success").register(meters);
        this.failed = Counter.builder("gateway.ratelimit.policies.refresh").tag("outcome", "failure").register(meters);
        Gauge.builder("gateway.ratelimit.policies.known", this, m -> m.policies.size())
                .description("policies mirrored from the rate-limiter").register(meters);
    }

    Optional<PolicyShape> find(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("lastRefresh", lastRefresh == null ? null : lastRefresh.toString());
        view.put("policies", policies.values());
        return view;
    }

    Mono<Void> refresh() {
        return limiter.call(HttpMethod.GET, "/admin/policies", Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + adminToken), deadline)
                .flatMap(answer -> {
                    if (answer.status() != 200) {
                        return Mono.error(new IllegalStateException("GET /admin/policies answered " + answer.status()));
                    }
                    policies = parse(json.readTree(answer.body()));
                    lastRefresh = Instant.now();
                    refreshed.increment();
                    if (lastFailed) {
                        log.info("Policies mirrored from the rate-limiter again: {}", policies.keySet());
                    }
                    lastFailed = false;
                    return Mono.<Void>empty();
                })
                .onErrorResume(error -> {
                    failed.increment();
                    if (!lastFailed) {
                        log.warn("Cannot read the rate-limiter's policies (keeping the {} known): {}", policies.size(), error.toString());
                    }
                    lastFailed = true;
                    return Mono.empty();
                });
    }

    static Map<String, PolicyShape> parse(JsonNode body) {
        Map<String, PolicyShape> result = new LinkedHashMap<>();
        for (JsonNode p : body.path("policies")) {
            String name = p.path("name").asString();
            result.put(name, new PolicyShape(name, p.path("capacity").asLong(), p.path("refillPerSecond").asDouble(),
                    FailureMode.parse(p.path("failureMode").asString())));
        }
        return Map.copyOf(result);
    }

    @Override
    public void start() {
        if (adminToken == null || adminToken.isBlank()) {
            log.warn("ADMIN_TOKEN is not set: the gateway cannot read the rate-limiter's policies and applies "
                    + "gateway.rate-limit.unknown-policy-mode whenever the limiter is unreachable");
            return;
        }
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
