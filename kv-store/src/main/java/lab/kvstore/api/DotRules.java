package lab.kvstore.api;

import java.util.Optional;
import java.util.Set;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.VersionedValue;

/**
 * What any context or versioned value this node accepts may contain, from a client or a peer:
 * dots of ring nodes only (so a stored context never holds more entries than the ring has nodes)
 * with counters no increment can overflow. Answers why not, or nothing when it may.
 */
final class DotRules {

    private DotRules() {
    }

    static Optional<String> violation(CausalContext context, Set<String> ringNodes) {
        if (context.vector().size() > ringNodes.size()) {
            return Optional.of("it names " + context.vector().size() + " nodes; the ring has " + ringNodes.size());
        }
        for (var entry : context.vector().entrySet()) {
            Optional<String> why = violation(new Dot(entry.getKey(), entry.getValue()), ringNodes);
            if (why.isPresent()) {
                return why;
            }
        }
        for (Dot dot : context.cloud()) {
            Optional<String> why = violation(dot, ringNodes);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    /** A value's context covers its siblings' dots, so checking the context checks them too. */
    static Optional<String> violation(VersionedValue value, Set<String> ringNodes) {
        return violation(value.context(), ringNodes);
    }

    private static Optional<String> violation(Dot dot, Set<String> ringNodes) {
        if (!ringNodes.contains(dot.node())) {
            return Optional.of("it names node '" + abbreviated(dot.node()) + "', which is not a member of the ring");
        }
        if (dot.counter() > KvLimits.MAX_CONTEXT_COUNTER) {
            return Optional.of("its counter " + dot.counter() + " for " + dot.node() + " is above the limit "
                    + KvLimits.MAX_CONTEXT_COUNTER);
        }
        return Optional.empty();
    }

    private static String abbreviated(String node) {
        return node.length() <= KvLimits.MAX_NODE_NAME_CHARS ? node : node.substring(0, KvLimits.MAX_NODE_NAME_CHARS) + "…";
    }
}
