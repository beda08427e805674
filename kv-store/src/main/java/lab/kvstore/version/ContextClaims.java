package lab.kvstore.version;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far a client's context may claim to have seen beyond what the coordinating replica holds.
 * A context legitimately runs ahead of one replica (the client read others that had newer writes;
 * this replica lost its copy or collected the key's tombstone), and the next dot follows it there
 * so no dot is minted twice. A claim far beyond, though, names dots no replica ever minted: kept,
 * it would make the next dot jump by the claim and, repeated, walk a key's counters to their
 * limit. So, per node, a claim at most {@link #MAX_COUNTER_AHEAD} past this replica's highest
 * counter for that node is kept whole; a claim further ahead keeps only the dots this replica has
 * seen. The cost of cutting a claim is a false sibling (the write does not replace a dot it named
 * but this replica never saw), never a lost write.
 */
public final class ContextClaims {

    /** 2^20: more writes to one key than a replica misses while it is away, and 2^42 cut claims short of overflow. */
    public static final long MAX_COUNTER_AHEAD = 1L << 20;

    private ContextClaims() {
    }

    /** {@code claimed}, with every node whose claim is too far ahead of {@code known} cut down to the dots {@code known} holds. */
    public static CausalContext bounded(CausalContext claimed, CausalContext known) {
        TreeMap<String, Long> vector = new TreeMap<>(claimed.vector());
        TreeSet<Dot> cloud = new TreeSet<>(claimed.cloud());
        boolean cut = false;
        for (String node : nodes(claimed)) {
            long knownMax = known.max(node);
            if (claimed.max(node) - knownMax <= MAX_COUNTER_AHEAD) {
                continue;
            }
            cut = true;
            vector.remove(node);
            cloud.removeIf(dot -> dot.node().equals(node));
            long both = Math.min(claimed.vector().getOrDefault(node, 0L), known.vector().getOrDefault(node, 0L));
            if (both > 0) {
                vector.put(node, both);
            }
            for (Dot dot : known.cloud()) {
                if (dot.node().equals(node) && claimed.contains(dot)) {
                    cloud.add(dot);
                }
            }
            for (Dot dot : claimed.cloud()) {
                if (dot.node().equals(node) && known.contains(dot)) {
                    cloud.add(dot);
                }
            }
        }
        return cut ? CausalContext.of(vector, cloud) : claimed;
    }

    private static TreeSet<String> nodes(CausalContext context) {
        TreeSet<String> nodes = new TreeSet<>(context.vector().keySet());
        context.cloud().forEach(dot -> nodes.add(dot.node()));
        return nodes;
    }
}
