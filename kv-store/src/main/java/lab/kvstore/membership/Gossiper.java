package lab.kvstore.membership;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heartbeat gossip. Every round this node bumps its own heartbeat and exchanges its whole table
 * with {@code fanOut} random peers (push-pull); any heartbeat newer than the one known, whoever
 * relayed it, counts as a sign of life for the failure detector. So a peer this node cannot
 * reach directly but others can is not declared down, and a peer nobody hears from is.
 *
 * <p>Bounded: one table of at most the ring's nodes per exchange, {@code fanOut} exchanges per round.
 */
public final class Gossiper {

    private final String self;
    private final List<String> peers;
    private final int fanOut;
    private final GossipTransport transport;
    private final PhiAccrualDetector detector;
    private final Random random;
    private final long generation;
    private final AtomicLong version = new AtomicLong();
    private final Map<String, Heartbeat> table = new ConcurrentHashMap<>();
    private final AtomicLong roundsCompleted = new AtomicLong();

    public Gossiper(String self, List<String> nodes, int fanOut, GossipTransport transport, PhiAccrualDetector detector,
                    long generation, Random random) {
        if (fanOut < 1) {
            throw new IllegalArgumentException("gossip fan-out must be at least 1");
        }
        this.self = self;
        this.peers = nodes.stream().filter(n -> !n.equals(self)).toList();
        this.fanOut = fanOut;
        this.transport = transport;
        this.detector = detector;
        this.generation = generation;
        this.random = random;
        table.put(self, new Heartbeat(generation, 0));
    }

    /** One round: bump our heartbeat, exchange with up to {@code fanOut} random peers. */
    public void round(long timeoutMillis) {
        table.put(self, new Heartbeat(generation, version.incrementAndGet()));
        List<String> shuffled = new ArrayList<>(peers);
        Collections.shuffle(shuffled, random);
        for (String peer : shuffled.subList(0, Math.min(fanOut, shuffled.size()))) {
            transport.exchange(peer, snapshot(), timeoutMillis).thenAccept(this::merge);
        }
        roundsCompleted.incrementAndGet();
    }

    /** A peer's table arrived (its push or its answer to ours); answers with ours. */
    public Map<String, Heartbeat> receive(Map<String, Heartbeat> remote) {
        merge(remote);
        return snapshot();
    }

    synchronized void merge(Map<String, Heartbeat> remote) {
        remote.forEach((node, heartbeat) -> {
            if (node.equals(self) || !peers.contains(node)) {
                return; // our own entry is authoritative; strangers are not members (no runtime join yet)
            }
            Heartbeat known = table.get(node);
            if (heartbeat.isNewerThan(known)) {
                if (known != null && heartbeat.generation() != known.generation()) {
                    detector.forget(node); // restarted: the gap while it was down is not its normal rhythm
                }
                table.put(node, heartbeat);
                detector.heartbeat(node);
            }
        });
    }

    public Map<String, Heartbeat> snapshot() {
        return new TreeMap<>(table);
    }

    public String self() {
        return self;
    }

    public List<String> peers() {
        return peers;
    }

    public int fanOut() {
        return fanOut;
    }

    public long rounds() {
        return roundsCompleted.get();
    }
}
