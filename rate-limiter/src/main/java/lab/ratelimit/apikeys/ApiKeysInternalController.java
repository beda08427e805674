package lab.ratelimit.apikeys;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import lab.ratelimit.redis.RedisSettings;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisUnavailableException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /internal/api-keys}: the issued API keys' ids for the gateway (which issues and revokes keys
 * on its operator API and reads the set back on every instance). Node-internal: only callers with
 * the cluster credential reach it.
 */
@RestController
@RequestMapping("/internal/api-keys")
public class ApiKeysInternalController {

    static final ProblemType INVALID_ID = new ProblemType("invalid-api-key-id", HttpStatus.BAD_REQUEST, "Invalid API key id");
    static final ProblemType UNKNOWN_KEY = new ProblemType("unknown-api-key", HttpStatus.NOT_FOUND, "No such API key");
    static final ProblemType STORE_FULL = new ProblemType("api-key-store-full", HttpStatus.CONFLICT, "Too many API keys");
    static final ProblemType STORE_UNAVAILABLE =
            new ProblemType("api-key-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "API key store unavailable");

    private final ApiKeyStore store;

    public ApiKeysInternalController(GuardedRedis redis, RedisSettings settings) {
        this.store = new ApiKeyStore(redis, settings.adminDeadlineMillis());
    }

    @GetMapping
    public Map<String, Object> list() {
        Set<String> ids = stored(store::ids);
        return Map.of("ids", ids, "count", ids.size());
    }

    @PutMapping("/{id}")
    public Map<String, Object> add(@PathVariable String id) {
        if (!stored(() -> store.add(valid(id)))) {
            throw STORE_FULL.exception("at most " + ApiKeyStore.MAX_KEYS + " API keys can be issued; revoke unused ones first")
                    .with("max", ApiKeyStore.MAX_KEYS);
        }
        return Map.of("id", id);
    }

    @DeleteMapping("/{id}")
    public Map<String, Object> remove(@PathVariable String id) {
        if (!stored(() -> store.remove(valid(id)))) {
            throw UNKNOWN_KEY.exception("no issued API key has the id '" + id + "'");
        }
        return Map.of("revoked", id);
    }

    private static String valid(String id) {
        if (!ApiKeyStore.isId(id)) {
            throw INVALID_ID.exception("an API key id is 64 lowercase hex digits (the SHA-256 of the key)");
        }
        return id;
    }

    private interface StoreCall<T> {
        T run() throws RedisUnavailableException;
    }

    private static <T> T stored(StoreCall<T> call) {
        try {
            return call.run();
        } catch (RedisUnavailableException e) {
            ProblemException unavailable = STORE_UNAVAILABLE.exception("API keys are stored in Redis, which did not answer ("
                    + e.getMessage() + "); retry when it is back");
            throw unavailable.retryAfter(Duration.ofSeconds(2));
        }
    }
}
