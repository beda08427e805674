package lab.gateway.failover;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The instances an exchange has already been sent to, kept in its attributes across the retry
 * filter's resets, so that the retry goes to another instance when there is one.
 */
public final class TriedInstances {

    public static final String ATTRIBUTE = TriedInstances.class.getName();

    private TriedInstances() {
    }

    @SuppressWarnings("unchecked")
    public static Set<String> of(Map<String, Object> attributes) {
        return (Set<String>) attributes.computeIfAbsent(ATTRIBUTE, k -> java.util.Collections.synchronizedSet(new LinkedHashSet<String>()));
    }

    @SuppressWarnings("unchecked")
    public static Set<String> peek(Map<String, Object> attributes) {
        Object tried = attributes.get(ATTRIBUTE);
        return tried == null ? Set.of() : (Set<String>) tried;
    }
}
