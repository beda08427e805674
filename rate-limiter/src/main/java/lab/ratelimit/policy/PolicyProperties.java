package lab.ratelimit.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policies a node starts with ({@code ratelimit.policies.<name>.*}) and how often it re-reads
 * the cluster's set from Redis. The configured set only seeds an empty store: once Redis holds a
 * set, Redis wins, so runtime changes are not undone by a node restart.
 */
@ConfigurationProperties("ratelimit")
public record PolicyProperties(Map<String, Spec> policies, Long policyRefreshMillis) {

    public record Spec(Long capacity, Double refillPerSecond, String failureMode, String visibility) {
    }

    public PolicyProperties {
        policies = policies == null ? Map.of() : policies;
        policyRefreshMillis = policyRefreshMillis == null ? 2000L : policyRefreshMillis;
        if (policyRefreshMillis <= 0) {
            throw new IllegalArgumentException("ratelimit.policy-refresh-millis must be positive, got " + policyRefreshMillis);
        }
    }

    /** The configured policies, validated: a bad one stops the node at startup with its name in the message. */
    public PolicySet initialSet() {
        Map<String, Policy> byName = new LinkedHashMap<>();
        policies.forEach((name, spec) -> {
            try {
                if (spec.capacity() == null || spec.refillPerSecond() == null) {
                    throw new IllegalArgumentException("capacity and refill-per-second are required");
                }
                FailureMode mode = spec.failureMode() == null ? FailureMode.LOCAL : FailureMode.parse(spec.failureMode());
                byName.put(name, new Policy(name, spec.capacity(), spec.refillPerSecond(), mode, Visibility.parse(spec.visibility())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ratelimit.policies." + name + ": " + e.getMessage(), e);
            }
        });
        return new PolicySet(0, byName, "config", Instant.now());
    }
}
