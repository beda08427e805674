package lab.kvstore.sim;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/** One client request of a history: what was asked, when, and what came back. */
final class Op {

    enum Kind { READ, PUT, DELETE }

    /** OK: acknowledged; FAIL: certainly not applied; UNKNOWN: may or may not be (a timeout); ERROR: the server broke. */
    enum Outcome { OK, FAIL, UNKNOWN, ERROR }

    final int id;
    final int client;
    final String node;
    final Kind kind;
    final String key;
    /** The read whose context the write carries; null for a blind write. */
    final Op contextFrom;
    final long startNanos;
    final boolean fin;
    long endNanos;
    Outcome outcome;
    String detail = "";
    /** A successful read's merged value. */
    VersionedValue read;
    /** An acknowledged write's dot. */
    Dot dot;

    Op(int id, int client, String node, Kind kind, String key, Op contextFrom, long startNanos, boolean fin) {
        this.id = id;
        this.client = client;
        this.node = node;
        this.kind = kind;
        this.key = key;
        this.contextFrom = contextFrom;
        this.startNanos = startNanos;
        this.fin = fin;
    }

    boolean write() {
        return kind != Kind.READ;
    }

    /** The unique bytes a put writes. */
    String value() {
        return "v" + id;
    }

    CausalContext sentContext() {
        return contextFrom == null ? CausalContext.EMPTY : contextFrom.read.context();
    }

    static String describe(VersionedValue value) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<Dot, Sibling> sibling : value.siblings().entrySet()) {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(sibling.getKey().node()).append(':').append(sibling.getKey().counter()).append('=')
                    .append(sibling.getValue().tombstone() ? "tombstone" : new String(sibling.getValue().value(), StandardCharsets.UTF_8));
        }
        return out.append("} ctx=").append(value.context()).toString();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%9.3f-%9.3f op%-5d %s %-6s %s %s", startNanos / 1e9, endNanos / 1e9, id,
                fin ? "final " : "client" + client, kind.name().toLowerCase(), key, node));
        if (kind == Kind.PUT) {
            out.append(" value=").append(value());
        }
        if (write()) {
            out.append(contextFrom == null ? " blind" : " context-of-op" + contextFrom.id);
        }
        out.append(" -> ").append(outcome);
        if (read != null) {
            out.append(' ').append(describe(read));
        }
        if (dot != null) {
            out.append(" dot=").append(dot.node()).append(':').append(dot.counter());
        }
        if (!detail.isEmpty()) {
            out.append(" (").append(detail).append(')');
        }
        return out.toString();
    }
}
