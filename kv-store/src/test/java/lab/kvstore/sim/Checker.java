package lab.kvstore.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/**
 * Judges a whole history, Jepsen-style, from what clients saw (outcomes, the values and contexts
 * reads returned, the dots acknowledged writes got) and, after healing, what every replica stores.
 *
 * <p>Causality is tracked by identity, not by dots (dots are what a defect may reuse): a write
 * <em>covers</em> the writes the read it took its context from returned, and everything those
 * covered in turn. A tombstone a read returned is attributed by its dot to the acknowledged
 * delete that got that dot; one of a delete whose outcome is unknown is attributed, leniently,
 * to every such delete of the key that had begun by then.
 *
 * <p>Invariants: (1) no request ends in a server error; (2) no read returns a value nobody wrote
 * or a write that certainly failed; (3) a read never returns a value together with a write that
 * covers it; (4) every acknowledged put is returned by the final quorum read after healing, or is
 * covered by a write that was acknowledged or may have been applied; (5) the final read returns
 * no value an acknowledged write covered (a deleted value never comes back); (6) one dot never
 * names two different writes; (7) after healing every replica of a key stores the same value.
 * (3)-(5) together say that the final siblings are exactly the acknowledged writes no other
 * write superseded.
 */
final class Checker {

    private final List<Op> ops;
    private final List<String> keys;
    private final Map<String, Op> puts = new HashMap<>();
    /** Dots count per key: key → dot → the acknowledged delete that got it. */
    private final Map<String, Map<Dot, Op>> okDeletesByDot = new HashMap<>();
    private final Map<Op, Set<Op>> coveredLeniently = new HashMap<>();
    private final Map<Op, Set<Op>> coveredStrictly = new HashMap<>();
    private final Map<String, Op> finalReads = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, String> violationKeys = new HashMap<>();

    Checker(List<Op> ops, List<String> keys) {
        this.ops = ops;
        this.keys = keys;
        for (Op op : ops) {
            if (op.kind == Op.Kind.PUT) {
                puts.put(op.value(), op);
            }
            if (op.kind == Op.Kind.DELETE && op.outcome == Op.Outcome.OK && op.dot != null) {
                okDeletesByDot.computeIfAbsent(op.key, k -> new HashMap<>()).put(op.dot, op);
            }
            if (op.fin && op.outcome == Op.Outcome.OK) {
                finalReads.put(op.key, op);
            }
        }
    }

    List<String> check() {
        Map<String, Map<Dot, String>> dotNames = new HashMap<>();
        for (Op op : ops) {
            if (op.outcome == Op.Outcome.ERROR) {
                violation(op.key, "server error: " + op);
            }
            if (op.write() && op.outcome == Op.Outcome.OK && op.dot != null) {
                name(dotNames, op.dot, op.kind == Op.Kind.PUT ? op.value() : "tombstone", op);
            }
            if (op.read != null) {
                checkRead(op, dotNames);
            }
        }
        for (String key : keys) {
            Op last = finalReads.get(key);
            if (last == null) {
                violation(key, "the final quorum read of " + key + " failed after healing");
                continue;
            }
            Set<Op> present = returned(last);
            for (Op put : ops) {
                if (put.kind == Op.Kind.PUT && put.key.equals(key) && put.outcome == Op.Outcome.OK
                        && !present.contains(put) && coveredByAnyEffective(put) == null) {
                    violation(key, "acknowledged write lost: " + put + " is neither in the final read " + last
                            + " nor covered by any write");
                }
            }
            for (Op value : present) {
                Op by = coveredByAcknowledged(value);
                if (by != null) {
                    violation(key, (by.kind == Op.Kind.DELETE ? "deleted value came back: " : "superseded value came back: ")
                            + value.value() + " is in the final read " + last + " although acknowledged " + by + " covered it");
                }
            }
        }
        return violations;
    }

    /** Invariant (7): replica states after healing and convergence. */
    List<String> converged(Map<String, Map<String, VersionedValue>> states) {
        List<String> out = new ArrayList<>();
        states.forEach((key, byNode) -> {
            if (byNode.values().stream().distinct().count() > 1) {
                out.add("replicas of " + key + " differ after convergence: " + byNode);
                violationKeys.putIfAbsent(out.getLast(), key);
            }
        });
        return out;
    }

    private void checkRead(Op read, Map<String, Map<Dot, String>> dotNames) {
        Set<Op> values = new LinkedHashSet<>();
        for (Map.Entry<Dot, Sibling> sibling : read.read.siblings().entrySet()) {
            if (sibling.getValue().tombstone()) {
                Op delete = okDeletesByDot.getOrDefault(read.key, Map.of()).get(sibling.getKey());
                name(dotNames, sibling.getKey(), "tombstone", read);
                continue;
            }
            String bytes = new String(sibling.getValue().value(), StandardCharsets.UTF_8);
            Op put = puts.get(bytes);
            if (put == null || put.outcome == Op.Outcome.FAIL || !put.key.equals(read.key) || put.startNanos > read.endNanos) {
                violation(read.key, "read returned a value nobody wrote (or a write that failed): " + bytes + " in " + read);
                continue;
            }
            name(dotNames, sibling.getKey(), bytes, read);
            values.add(put);
        }
        Set<Op> all = returned(read, false);
        for (Op value : values) {
            for (Op other : all) {
                if (other != value && coveredBy(other, false).contains(value)) {
                    violation(read.key, "read returned " + value.value() + " together with op" + other.id
                            + " which covers it: " + read);
                }
            }
        }
    }

    private void name(Map<String, Map<Dot, String>> dotNames, Dot dot, String name, Op where) {
        String before = dotNames.computeIfAbsent(where.key, k -> new TreeMap<>()).putIfAbsent(dot, name);
        if (before != null && !before.equals(name)) {
            violation(where.key, "dot " + dot.node() + ":" + dot.counter() + " names two different writes, " + before
                    + " and " + name + " (seen in " + where + ")");
        }
    }

    /** The writes a read returned: its values, and the deletes its tombstones stand for. */
    private Set<Op> returned(Op read) {
        return returned(read, true);
    }

    /** {@code lenient}: a tombstone of a delete with an unknown outcome stands for every such delete of the key. */
    private Set<Op> returned(Op read, boolean lenient) {
        Set<Op> out = new LinkedHashSet<>();
        for (Map.Entry<Dot, Sibling> sibling : read.read.siblings().entrySet()) {
            if (sibling.getValue().tombstone()) {
                Op delete = okDeletesByDot.getOrDefault(read.key, Map.of()).get(sibling.getKey());
                if (delete != null) {
                    out.add(delete);
                } else if (lenient) {
                    for (Op op : ops) {
                        if (op.kind == Op.Kind.DELETE && op.key.equals(read.key) && op.outcome == Op.Outcome.UNKNOWN
                                && op.startNanos <= read.endNanos) {
                            out.add(op);
                        }
                    }
                }
            } else {
                Op put = puts.get(new String(sibling.getValue().value(), StandardCharsets.UTF_8));
                if (put != null) {
                    out.add(put);
                }
            }
        }
        return out;
    }

    /** Every write {@code write} supersedes: what its context's read returned, transitively. */
    private Set<Op> coveredBy(Op write) {
        return coveredBy(write, true);
    }

    private Set<Op> coveredBy(Op write, boolean lenient) {
        Map<Op, Set<Op>> covered = lenient ? coveredLeniently : coveredStrictly;
        Set<Op> known = covered.get(write);
        if (known != null) {
            return known;
        }
        Set<Op> out = new HashSet<>();
        covered.put(write, out); // a write never covers itself; guards the recursion
        if (write.write() && write.contextFrom != null && write.contextFrom.read != null) {
            for (Op seen : returned(write.contextFrom, lenient)) {
                if (seen != write && seen.startNanos < write.startNanos) {
                    out.add(seen);
                    out.addAll(coveredBy(seen, lenient));
                }
            }
        }
        return out;
    }

    private Op coveredByAnyEffective(Op put) {
        for (Op op : ops) {
            if (op.write() && op.key.equals(put.key) && (op.outcome == Op.Outcome.OK || op.outcome == Op.Outcome.UNKNOWN)
                    && coveredBy(op).contains(put)) {
                return op;
            }
        }
        return null;
    }

    private Op coveredByAcknowledged(Op value) {
        for (Op op : ops) {
            if (op.write() && op.key.equals(value.key) && op.outcome == Op.Outcome.OK && coveredBy(op, false).contains(value)) {
                return op;
            }
        }
        return null;
    }

    private void violation(String key, String text) {
        violations.add(text);
        violationKeys.putIfAbsent(text, key);
    }

    /** The shortest history this checker prints for a violation: the ops on its key and the faults. */
    String historyOf(List<String> found, SimWorld world) {
        String key = found.stream().map(violationKeys::get).filter(k -> k != null).findFirst().orElse(null);
        if (key == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("ops on " + key + " (replicas " + replicasOf(key, world) + "):\n");
        for (Op op : ops) {
            if (op.key.equals(key)) {
                out.append("  ").append(op).append('\n');
            }
        }
        return out.toString();
    }

    private static List<String> replicasOf(String key, SimWorld world) {
        return world.nodes().getFirst().membership == null ? List.of()
                : world.nodes().getFirst().membership.ring().preferenceList(key.getBytes(StandardCharsets.UTF_8));
    }
}
