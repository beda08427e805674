package lab.ratelimit.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.platform.problem.ProblemType;
import lab.ratelimit.redis.RedisUnavailableException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cluster-wide policy management. A change is written to Redis and announced there; every limiter
 * node (this one included) adopts it from Redis, so what a node answers is what it enforces.
 * While Redis is down a change is refused with 503: a change only some nodes could know of
 * would make the "one limit" a different limit per node.
 */
@RestController
@RequestMapping("/admin/policies")
public class PolicyAdminController {

    public static final ProblemType UNKNOWN_POLICY =
            new ProblemType("unknown-policy", HttpStatus.NOT_FOUND, "No such rate-limit policy");
    static final ProblemType INVALID_POLICY =
            new ProblemType("invalid-policy", HttpStatus.BAD_REQUEST, "Invalid rate-limit policy");
    static final ProblemType STORE_UNAVAILABLE =
            new ProblemType("policy-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Policy store unavailable");

    /** The body of a PUT; every member but {@code visibility} (default {@code internal}) is required. */
    public record PolicyRequest(Long capacity, Double refillPerSecond, String failureMode, String visibility) {
    }

    private final Policies policies;
    private final PolicyStore store;
    private final PolicySync sync;

    public PolicyAdminController(Policies policies, PolicyStore store, PolicySync sync) {
        this.policies = policies;
        this.store = store;
        this.sync = sync;
    }

    @GetMapping
    public Map<String, Object> list() {
        PolicySet set = policies.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", set.version());
        body.put("source", set.source());
        body.put("loadedAt", set.loadedAt().toString());
        body.put("lastRefresh", sync.lastSuccess() == null ? null : sync.lastSuccess().toString());
        body.put("policies", set.policies().values().stream().map(PolicyAdminController::view).toList());
        return body;
    }

    @GetMapping("/{name}")
    public Map<String, Object> get(@PathVariable String name) {
        return view(policies.find(name).orElseThrow(() -> unknown(name)));
    }

    @PutMapping("/{name}")
    public Map<String, Object> put(@PathVariable String name, @RequestBody PolicyRequest request) {
        Policy policy = validate(name, request);
        long version = write(() -> store.put(policy));
        sync.refreshNow();
        Map<String, Object> body = view(policy);
        body.put("version", version);
        return body;
    }

    @DeleteMapping("/{name}")
    public Map<String, Object> delete(@PathVariable String name) {
        long version = write(() -> store.delete(name));
        if (version < 0) {
            throw unknown(name);
        }
        sync.refreshNow();
        return Map.of("deleted", name, "version", version);
    }

    static Map<String, Object> view(Policy policy) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", policy.name());
        view.put("capacity", policy.capacity());
        view.put("refillPerSecond", policy.refillPerSecond());
        view.put("failureMode", policy.failureMode().label());
        view.put("visibility", policy.visibility().label());
        return view;
    }

    private static Policy validate(String name, PolicyRequest request) {
        List<String> missing = new java.util.ArrayList<>();
        if (request.capacity() == null) {
            missing.add("capacity");
        }
        if (request.refillPerSecond() == null) {
            missing.add("refillPerSecond");
        }
        if (request.failureMode() == null) {
            missing.add("failureMode");
        }
        if (!missing.isEmpty()) {
            throw INVALID_POLICY.exception("missing required member(s): " + String.join(", ", missing)).with("missing", missing);
        }
        try {
            return new Policy(name, request.capacity(), request.refillPerSecond(), FailureMode.parse(request.failureMode()),
                    Visibility.parse(request.visibility()));
        } catch (IllegalArgumentException e) {
            throw INVALID_POLICY.exception(e.getMessage());
        }
    }

    private static lab.platform.problem.ProblemException unknown(String name) {
        return UNKNOWN_POLICY.exception("no policy named '" + name + "'").with("policy", name);
    }

    private interface StoreWrite {
        long run() throws RedisUnavailableException;
    }

    private static long write(StoreWrite write) {
        try {
            return write.run();
        } catch (RedisUnavailableException e) {
            throw STORE_UNAVAILABLE.exception("policies are stored in Redis, which did not confirm the change ("
                    + e.getMessage() + "); every node keeps enforcing the set it has (GET /admin/policies shows it), "
                    + "retry when Redis is back: PUT and DELETE are idempotent")
                    .retryAfter(Duration.ofSeconds(2));
        }
    }
}
