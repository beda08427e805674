package lab.ratelimit.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The policies a node enforces, as one immutable snapshot.
 *
 * @param version  the store's version of this set (0: not yet read from Redis, the node's configuration)
 * @param policies by name
 * @param source   {@code config} or {@code redis}: where the node got this set
 * @param loadedAt when the node adopted it
 */
public record PolicySet(long version, Map<String, Policy> policies, String source, Instant loadedAt) {

    public PolicySet {
        if (version < 0) {
            throw new IllegalArgumentException("a policy set version cannot be negative: " + version);
        }
        policies = java.util.Collections.unmodifiableMap(new TreeMap<>(policies));
        for (Map.Entry<String, Policy> entry : policies.entrySet()) {
            if (!entry.getKey().equals(entry.getValue().name())) {
                throw new IllegalArgumentException("policy stored under '" + entry.getKey() + "' is named '"
                        + entry.getValue().name() + "'");
            }
        }
    }

    public Optional<Policy> find(String name) {
        return Optional.ofNullable(policies.get(name));
    }
}
