package lab.kvstore.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which replicas a read asks. {@link Mode#QUORUM} asks only R of the key's N replicas (this node
 * first when it is one, since its copy costs no hop), then one more when a replica fails or is
 * slower than {@link SpeculativeReadDelay} allows; this is what Cassandra does at QUORUM, and
 * what keeps a read at one network hop for R=2. Any R replicas meet any W that acknowledged a
 * write, so asking fewer changes no guarantee; what it gives up is read repair of the replicas
 * not asked (anti-entropy still reaches them). {@link Mode#ALL} asks all N at once and answers
 * with the first R, as the Dynamo paper's coordinator does: more repair, twice the replica reads.
 */
public final class ReadFanOut {

    public enum Mode {
        QUORUM, ALL;

        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("read fan-out must be 'quorum' or 'all', not '" + text + "'", e);
            }
        }
    }

    private final Mode mode;
    private final SpeculativeReadDelay speculation;
    private final AtomicInteger rotation = new AtomicInteger();

    public ReadFanOut(Mode mode, SpeculativeReadDelay speculation) {
        this.mode = mode;
        this.speculation = speculation;
    }

    /** Asks all N replicas, as part 1 did; no speculation needed. */
    public static ReadFanOut all() {
        return new ReadFanOut(Mode.ALL, new SpeculativeReadDelay(1, 1));
    }

    public Mode mode() {
        return mode;
    }

    /**
     * The key's replicas in the order to ask them: this node first when it is one, then the
     * others rotated from one read to the next so the remote reads spread evenly over them.
     */
    List<String> order(String self, List<String> replicas) {
        List<String> others = new ArrayList<>(replicas.size());
        for (String node : replicas) {
            if (!node.equals(self)) {
                others.add(node);
            }
        }
        List<String> order = new ArrayList<>(replicas.size());
        if (others.size() < replicas.size()) {
            order.add(self);
        }
        int shift = others.isEmpty() ? 0 : Math.floorMod(rotation.getAndIncrement(), others.size());
        for (int i = 0; i < others.size(); i++) {
            order.add(others.get((i + shift) % others.size()));
        }
        return order;
    }

    /** How many replicas a read asks before it waits. */
    int initialAsks(int readQuorum, int replicas) {
        return mode == Mode.ALL ? replicas : readQuorum;
    }

    long speculateAfterNanos() {
        return speculation.delayNanos();
    }

    /** A remote replica answered a read after this long. */
    void remoteReadTook(long nanos) {
        speculation.record(nanos);
    }
}
