package lab.kvstore.version;

import java.util.Comparator;
import java.util.Objects;

/**
 * One write event: the {@code counter}-th write that node {@code node} coordinated for a key.
 * A dot names exactly one sibling forever, which is what lets a write with a context remove
 * precisely the siblings its client saw and nothing else.
 */
public record Dot(String node, long counter) implements Comparable<Dot> {

    static final Comparator<Dot> ORDER = Comparator.comparing(Dot::node).thenComparingLong(Dot::counter);

    public Dot {
        Objects.requireNonNull(node, "node");
        if (node.isEmpty()) {
            throw new IllegalArgumentException("a dot needs a node name");
        }
        if (counter < 1) {
            throw new IllegalArgumentException("dot counters start at 1, got " + counter + " for " + node);
        }
    }

    @Override
    public int compareTo(Dot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return node + ":" + counter;
    }
}
