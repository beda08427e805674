package lab.kvstore.version;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A set of dots, stored compactly as a version vector (node → every counter 1..n seen) plus a
 * "dot cloud" of the dots seen out of order. The cloud is what makes the context of a write
 * exact: after a write that got dot {@code kv-1:5} while {@code kv-1:4} was written concurrently
 * by someone else, the writer's context is "what I read + kv-1:5", which a plain version vector
 * ({@code kv-1 → 5}) would wrongly widen to include {@code kv-1:4}.
 *
 * <p>Always normalised: no cloud dot is at or below its node's vector entry, and none
 * directly follows it (it would have been folded into the vector). Immutable.
 */
public final class CausalContext {

    public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeSet<>());

    private final NavigableMap<String, Long> vector;
    private final NavigableSet<Dot> cloud;

    private CausalContext(NavigableMap<String, Long> vector, NavigableSet<Dot> cloud) {
        this.vector = vector;
        this.cloud = cloud;
    }

    /** Builds a context from a vector and a cloud, normalising it; rejects counters below 1. */
    public static CausalContext of(Map<String, Long> vector, Iterable<Dot> cloud) {
        TreeMap<String, Long> v = new TreeMap<>();
        vector.forEach((node, counter) -> {
            if (counter < 1) {
                throw new IllegalArgumentException("a version vector entry counts from 1, got " + node + "=" + counter);
            }
            v.put(Objects.requireNonNull(node, "node"), counter);
        });
        TreeSet<Dot> c = new TreeSet<>();
        cloud.forEach(c::add);
        return normalised(v, c);
    }

    public static CausalContext ofDot(Dot dot) {
        return EMPTY.with(dot);
    }

    public boolean contains(Dot dot) {
        return vector.getOrDefault(dot.node(), 0L) >= dot.counter() || cloud.contains(dot);
    }

    /** The highest counter of {@code node} in this context, 0 when none. */
    public long max(String node) {
        long max = vector.getOrDefault(node, 0L);
        for (Dot dot : cloud.subSet(new Dot(node, 1), true, new Dot(node, Long.MAX_VALUE), true)) {
            max = Math.max(max, dot.counter());
        }
        return max;
    }

    public CausalContext with(Dot dot) {
        if (contains(dot)) {
            return this;
        }
        TreeSet<Dot> c = new TreeSet<>(cloud);
        c.add(dot);
        return normalised(new TreeMap<>(vector), c);
    }

    /** The union of both histories. */
    public CausalContext merge(CausalContext other) {
        if (other.isEmpty() || other == this) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        TreeMap<String, Long> v = new TreeMap<>(vector);
        other.vector.forEach((node, counter) -> v.merge(node, counter, Math::max));
        TreeSet<Dot> c = new TreeSet<>(cloud);
        c.addAll(other.cloud);
        return normalised(v, c);
    }

    /** True when every dot of {@code other} is in this context. */
    public boolean includes(CausalContext other) {
        for (Map.Entry<String, Long> entry : other.vector.entrySet()) {
            // Normalised contexts never hold the dot right after a vector entry in the cloud,
            // so "1..n all present" reduces to a comparison of vector entries.
            if (vector.getOrDefault(entry.getKey(), 0L) < entry.getValue()) {
                return false;
            }
        }
        for (Dot dot : other.cloud) {
            if (!contains(dot)) {
                return false;
            }
        }
        return true;
    }

    public Causality compare(CausalContext other) {
        boolean includesOther = includes(other);
        boolean includedByOther = other.includes(this);
        if (includesOther && includedByOther) {
            return Causality.EQUAL;
        }
        if (includesOther) {
            return Causality.DESCENDS;
        }
        return includedByOther ? Causality.PRECEDES : Causality.CONCURRENT;
    }

    public boolean isEmpty() {
        return vector.isEmpty() && cloud.isEmpty();
    }

    public Map<String, Long> vector() {
        return Collections.unmodifiableMap(vector);
    }

    public NavigableSet<Dot> cloud() {
        return Collections.unmodifiableNavigableSet(cloud);
    }

    private static CausalContext normalised(TreeMap<String, Long> vector, TreeSet<Dot> cloud) {
        boolean changed = true;
        while (changed) {
            changed = false;
            var it = cloud.iterator();
            while (it.hasNext()) {
                Dot dot = it.next();
                long seen = vector.getOrDefault(dot.node(), 0L);
                if (dot.counter() <= seen) {
                    it.remove();
                } else if (dot.counter() == seen + 1) {
                    vector.put(dot.node(), dot.counter());
                    it.remove();
                    changed = true;
                }
            }
        }
        return vector.isEmpty() && cloud.isEmpty() ? EMPTY : new CausalContext(vector, cloud);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext other && vector.equals(other.vector) && cloud.equals(other.cloud);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vector, cloud);
    }

    @Override
    public String toString() {
        return cloud.isEmpty() ? vector.toString() : vector + "+" + cloud;
    }
}
