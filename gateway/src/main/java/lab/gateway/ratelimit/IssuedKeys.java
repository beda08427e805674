package lab.gateway.ratelimit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ids of the API keys the operator issued, mirrored from the rate-limiter (which keeps them in
 * Redis, so every gateway instance sees the same set): re-read every few seconds from
 * {@code GET /internal/api-keys}, and changed at once on the instance that issued or revoked a key.
 * Another instance learns of a revocation within one refresh period. While the limiter cannot be
 * read the last set known is kept: a key issued then is treated as unknown until the next read.
 */
class IssuedKeys implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IssuedKeys.class);

    private final LimiterNodes limiter;
    private final ClusterSecretHeader secret;
    private final JsonMapper json;
    private final RefreshLoop loop;
    private final Duration deadline;
    private volatile Set<String> ids = ConcurrentHashMap.newKeySet();
    /** Bumped by every local issue or revocation: a read that started before one is stale and not adopted. */
    private final AtomicLong localChanges = new AtomicLong();
    private volatile boolean lastFailed;

    IssuedKeys(LimiterNodes limiter, ClusterSecretHeader secret, JsonMapper json, Duration period, Duration deadline,
               MeterRegistry meters) {
        this.limiter = limiter;
        this.secret = secret;
        this.json = json;
        this.loop = new RefreshLoop(period, this::refresh);
        this.deadline = deadline;
        Gauge.builder("gateway.apikeys.known", this, k -> k.ids.size()).description("issued API keys the edge knows").register(meters);
    }

    boolean isIssued(String id) {
        return ids.contains(id);
    }

    void issued(String id) {
        localChanges.incrementAndGet();
        ids.add(id);
    }

    void revoked(String id) {
        localChanges.incrementAndGet();
        ids.remove(id);
    }

    Mono<Void> refresh() {
        return Mono.defer(() -> refreshFrom(localChanges.get()));
    }

    private Mono<Void> refreshFrom(long changesBefore) {
        return limiter.call(HttpMethod.GET, "/internal/api-keys", secret.asHeaders(), deadline)
                .flatMap(answer -> {
                    if (answer.status() != 200) {
                        return Mono.error(new IllegalStateException("GET /internal/api-keys answered " + answer.status()));
                    }
                    Set<String> read = ConcurrentHashMap.newKeySet();
                    for (JsonNode id : json.readTree(answer.body()).path("ids")) {
                        read.add(id.asString());
                    }
                    if (localChanges.get() == changesBefore) {
                        ids = read;
                    }
                    lastFailed = false;
                    return Mono.<Void>empty();
                })
                .onErrorResume(error -> {
                    if (!lastFailed) {
                        log.warn("Cannot read the issued API keys from the rate-limiter (keeping the {} known): {}",
                                ids.size(), error.toString());
                    }
                    lastFailed = true;
                    return Mono.empty();
                });
    }

    Set<String> snapshot() {
        return Set.copyOf(ids);
    }

    @Override
    public void start() {
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
