package lab.gateway.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The edge's operator API for API keys (behind the admin token, as every {@code /admin/**}):
 * {@code POST /admin/api-keys} issues a key and answers it once with its id, {@code DELETE
 * /admin/api-keys/{id}} revokes one, {@code GET /admin/api-keys} lists the ids. The key itself is
 * never stored: the rate-limiter keeps the ids (SHA-256 of the keys) in Redis for every gateway instance.
 */
@RestController
@RequestMapping("/admin/api-keys")
class ApiKeysController {

    static final ProblemType UNKNOWN_KEY = new ProblemType("unknown-api-key", HttpStatus.NOT_FOUND, "No such API key");
    static final ProblemType KEY_STORE_UNAVAILABLE =
            new ProblemType("api-key-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "API key store unavailable");

    private final LimiterNodes limiter;
    private final ClusterSecretHeader secret;
    private final IssuedKeys issued;
    private final Duration deadline;

    ApiKeysController(LimiterNodes limiter, ClusterSecretHeader secret, IssuedKeys issued, Duration deadline) {
        this.limiter = limiter;
        this.secret = secret;
        this.issued = issued;
        this.deadline = deadline;
    }

    @PostMapping
    Mono<ResponseEntity<Map<String, Object>>> issue() {
        String key = ApiKeys.newKey();
        String id = ApiKeys.idOf(key);
        return store(HttpMethod.PUT, id).map(status -> {
            issued.issued(id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("apiKey", key);
            body.put("header", EdgeRateLimiter.API_KEY_HEADER);
            return ResponseEntity.status(HttpStatus.CREATED).body(body);
        });
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Map<String, Object>>> revoke(@PathVariable String id) {
        if (!ApiKeys.isId(id)) {
            return Mono.error(unknown(id));
        }
        return store(HttpMethod.DELETE, id).flatMap(status -> {
            issued.revoked(id);
            return status == 404 ? Mono.error(unknown(id)) : Mono.just(ResponseEntity.ok(Map.<String, Object>of("revoked", id)));
        });
    }

    @GetMapping
    Mono<Map<String, Object>> list() {
        return issued.refresh().then(Mono.fromSupplier(() -> Map.<String, Object>of("ids", issued.snapshot())));
    }

    /** PUT or DELETE of one id on the limiter; the limiter's status (200 or 404), or a 503 problem when it cannot confirm. */
    private Mono<Integer> store(HttpMethod method, String id) {
        return limiter.call(method, "/internal/api-keys/" + id, secret.asHeaders(), deadline)
                .onErrorMap(error -> unavailable(error.toString()))
                .flatMap(answer -> answer.status() == 200 || answer.status() == 201 || answer.status() == 404
                        ? Mono.just(answer.status())
                        : Mono.error(unavailable("the rate-limiter answered " + answer.status())));
    }

    private static ProblemException unknown(String id) {
        return UNKNOWN_KEY.exception("no issued API key has the id '" + id + "'");
    }

    private static ProblemException unavailable(String reason) {
        return KEY_STORE_UNAVAILABLE.exception("API keys are stored by the rate-limiter, which did not confirm the change ("
                + reason + "); nothing changed, retry later").retryAfter(Duration.ofSeconds(2));
    }
}
