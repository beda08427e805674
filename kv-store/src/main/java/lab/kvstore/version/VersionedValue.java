package lab.kvstore.version;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a replica knows about one key: its concurrent siblings, each named by the dot of the
 * write that made it, and the causal context of every write ever seen for the key (including the
 * writes whose siblings have since been superseded). This is the multi-value register of
 * "dotted version vectors" (Preguiça, Baquero et al.) in its dot-kernel form.
 *
 * <p>{@link #join} is commutative, associative and idempotent, so replicas may exchange these in
 * any order, any number of times (replication, retries, read repair, hinted handoff and
 * anti-entropy all reduce to a join) and still converge. A write is itself a small value (a
 * "delta": one sibling plus the context it supersedes) joined into the stored one.
 */
public final class VersionedValue {

    public static final VersionedValue EMPTY = new VersionedValue(new TreeMap<>(), CausalContext.EMPTY);

    private final NavigableMap<Dot, Sibling> siblings;
    private final CausalContext context;

    private VersionedValue(NavigableMap<Dot, Sibling> siblings, CausalContext context) {
        for (Dot dot : siblings.keySet()) {
            if (!context.contains(dot)) {
                throw new IllegalStateException("sibling " + dot + " is outside its own context " + context);
            }
        }
        this.siblings = siblings;
        this.context = context;
    }

    public static VersionedValue of(Map<Dot, Sibling> siblings, CausalContext context) {
        return new VersionedValue(new TreeMap<>(siblings), Objects.requireNonNull(context, "context"));
    }

    /**
     * The delta of one write: the new sibling under its new dot, and a context saying that this
     * write has seen (and so replaces) everything the client had read, plus itself.
     */
    public static VersionedValue write(Dot dot, Sibling sibling, CausalContext clientContext) {
        TreeMap<Dot, Sibling> one = new TreeMap<>();
        one.put(dot, sibling);
        return new VersionedValue(one, clientContext.with(dot));
    }

    /**
     * The dot for a new write coordinated by {@code node}: above every counter of that node this
     * replica or the client has seen, so a dot is never reused even when the client's context is
     * ahead of this replica.
     */
    public Dot nextDot(String node, CausalContext clientContext) {
        return new Dot(node, Math.max(context.max(node), clientContext.max(node)) + 1);
    }

    /**
     * The causal context alone, without siblings: what a collected tombstone leaves behind. It reads
     * as absent, and joining anything it has seen changes nothing.
     */
    public VersionedValue withoutSiblings() {
        return siblings.isEmpty() ? this : new VersionedValue(new TreeMap<>(), context);
    }

    /** How many current siblings a write with {@code clientContext} would leave in place. */
    public int siblingsSurviving(CausalContext clientContext) {
        int surviving = 0;
        for (Dot dot : siblings.keySet()) {
            if (!clientContext.contains(dot)) {
                surviving++;
            }
        }
        return surviving;
    }

    /**
     * Merges two replicas' knowledge: a sibling survives if both hold it, or if the other side has
     * never seen its dot (so it cannot have superseded it).
     */
    public VersionedValue join(VersionedValue other) {
        if (other == this || other.isEmptyContext()) {
            return this;
        }
        if (isEmptyContext()) {
            return other;
        }
        TreeMap<Dot, Sibling> merged = new TreeMap<>();
        for (Map.Entry<Dot, Sibling> entry : siblings.entrySet()) {
            Sibling theirs = other.siblings.get(entry.getKey());
            if (theirs != null && !theirs.equals(entry.getValue())) {
                // Two different values under one dot means a node reused a counter: data would be lost silently.
                throw new IllegalStateException("dot " + entry.getKey() + " names two different siblings: "
                        + entry.getValue() + " and " + theirs);
            }
            if (theirs != null || !other.context.contains(entry.getKey())) {
                merged.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<Dot, Sibling> entry : other.siblings.entrySet()) {
            if (!context.contains(entry.getKey())) {
                merged.put(entry.getKey(), entry.getValue());
            }
        }
        return new VersionedValue(merged, context.merge(other.context));
    }

    public NavigableMap<Dot, Sibling> siblings() {
        return Collections.unmodifiableNavigableMap(siblings);
    }

    public CausalContext context() {
        return context;
    }

    /** No sibling at all: the key was never written (as far as this replica knows). */
    public boolean isAbsent() {
        return siblings.isEmpty();
    }

    /** Every sibling is a tombstone: the key reads as deleted. */
    public boolean isDeleted() {
        return !siblings.isEmpty() && siblings.values().stream().allMatch(Sibling::tombstone);
    }

    public long valueBytes() {
        return siblings.values().stream().mapToLong(Sibling::sizeBytes).sum();
    }

    private boolean isEmptyContext() {
        return siblings.isEmpty() && context.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionedValue other && siblings.equals(other.siblings) && context.equals(other.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(siblings, context);
    }

    @Override
    public String toString() {
        return siblings + " ctx=" + context;
    }
}
