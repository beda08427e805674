package lab.kvstore.replication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import lab.kvstore.membership.PeerHealth;
import lab.kvstore.membership.PeerState;

/**
 * Which replicas a read asks. {@link Mode#QUORUM} asks only R of the key's N replicas (this node
 * first when it is one, since its copy costs no hop), then one more when a replica fails or is
 * slower than {@link SpeculativeReadDelay} allows; this is what Cassandra does at QUORUM, and
 * what keeps a read at one network hop for R=2. Any R replicas meet any W that acknowledged a
 * write, so asking fewer changes no guarantee; what it gives up is read repair of the replicas
 * not asked (anti-entropy still reaches them). {@link Mode#ALL} asks all N at once and answers
 * with the first R, as the Dynamo paper's coordinator does: more repair, twice the replica reads.
 *
 * <p>Replicas the failure detector suspects are asked last (down ones after suspected ones), as
 * writes already skip down replicas: asking one first would cost a speculative-retry delay or a
 * timeout before the read reaches a live replica. They are still asked when the live ones are not
 * enough for R, since the detector may be wrong.
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
    private final PeerHealth health;
    private final AtomicInteger rotation = new AtomicInteger();

    /** A fan-out that believes every replica up (unit tests that script failures themselves). */
    public ReadFanOut(Mode mode, SpeculativeReadDelay speculation) {
        this(mode, speculation, PeerHealth.ALWAYS_UP);
    }

    public ReadFanOut(Mode mode, SpeculativeReadDelay speculation, PeerHealth health) {
        this.mode = mode;
        this.speculation = speculation;
        this.health = health;
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
     * others rotated from one read to the next so the remote reads spread evenly over them, the
     * ones the failure detector suspects or believes down moved to the end.
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
        // A stable sort: the live replicas keep their rotation, the suspected ones follow in theirs.
        order.sort(Comparator.comparingInt(node -> node.equals(self) ? 0 : suspicion(health.state(node))));
        return order;
    }

    /** 0 for a replica to ask first (alive, or never heard from: no evidence against it), 1 suspected, 2 down. */
    private static int suspicion(PeerState state) {
        return switch (state) {
            case ALIVE, UNKNOWN -> 0;
            case SUSPECT -> 1;
            case DOWN -> 2;
        };
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
