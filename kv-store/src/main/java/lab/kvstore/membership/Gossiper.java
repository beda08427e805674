package lab.kvstore.membership;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lab.kvstore.ring.Membership;

/**
 * Heartbeat and ring-state gossip. Every round this node bumps its own heartbeat and exchanges
 * its whole table and ring state with {@code fanOut} random peers (push-pull); any heartbeat newer
 * than the one known, whoever relayed it, counts as a sign of life for the failure detector, and
 * the ring states merge ({@link Membership#merge}), so a join or leave reaches every node. A peer
 * this node cannot reach directly but others can is not declared down, and a peer nobody hears
 * from is.
 *
 * <p>Bounded: one table and one ring state of at most the known nodes per exchange, {@code fanOut}
 * exchanges per round. Whom it talks to follows the ring state ({@link Membership#gossipTargets}).
 */
public final class Gossiper {

    private final Membership membership;
    private final GossipRules rules;
    private final int fanOut;
    private final GossipTransport transport;
    private final PhiAccrualDetector detector;
    private final Random random;
    private final long generation;
    private final AtomicLong version = new AtomicLong();
    private final Map<String, Heartbeat> table = new ConcurrentHashMap<>();
    private final AtomicLong roundsCompleted = new AtomicLong();

    public Gossiper(Membership membership, GossipRules rules, int fanOut, GossipTransport transport, PhiAccrualDetector detector,
                    long generation, Random random) {
        if (fanOut < 1) {
            throw new IllegalArgumentException("gossip fan-out must be at least 1");
        }
        this.membership = membership;
        this.rules = rules;
        this.fanOut = fanOut;
        this.transport = transport;
        this.detector = detector;
        this.generation = generation;
        this.random = random;
        table.put(membership.self(), new Heartbeat(generation, 0));
    }

    /** One round: bump our heartbeat, exchange with up to {@code fanOut} random peers. */
    public void round(long timeoutMillis) {
        table.put(membership.self(), new Heartbeat(generation, version.incrementAndGet()));
        List<String> shuffled = new ArrayList<>(peers());
        Collections.shuffle(shuffled, random);
        for (String peer : shuffled.subList(0, Math.min(fanOut, shuffled.size()))) {
            exchange(peer, timeoutMillis);
        }
        roundsCompleted.incrementAndGet();
    }

    /** One exchange with one peer; completes with the peer's message once it is merged here. */
    public CompletableFuture<GossipMessage> exchange(String peer, long timeoutMillis) {
        return transport.exchange(peer, message(), timeoutMillis).thenApply(answer -> {
            merge(answer);
            return answer;
        });
    }

    /**
     * A peer's message arrived (its push or its answer to ours); answers with ours.
     *
     * @throws GossipRefusedException when the message breaks one of the {@link GossipRules}; nothing of it is merged
     */
    public GossipMessage receive(GossipMessage remote) {
        merge(remote);
        return message();
    }

    synchronized void merge(GossipMessage remote) {
        rules.check(remote);
        membership.merge(remote.ring());
        List<String> peers = peers();
        remote.heartbeats().forEach((node, heartbeat) -> {
            if (node.equals(membership.self()) || !peers.contains(node)) {
                return; // our own entry is authoritative; strangers are not gossiped with
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

    public GossipMessage message() {
        return new GossipMessage(new TreeMap<>(table), membership.state());
    }

    public Map<String, Heartbeat> snapshot() {
        return new TreeMap<>(table);
    }

    public String self() {
        return membership.self();
    }

    public List<String> peers() {
        return membership.gossipTargets();
    }

    public int fanOut() {
        return fanOut;
    }

    public long rounds() {
        return roundsCompleted.get();
    }
}
