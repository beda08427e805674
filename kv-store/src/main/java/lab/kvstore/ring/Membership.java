package lab.kvstore.ring;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import lab.platform.internode.Peer;

/**
 * Who is in the cluster and the rings built from it. The seed list is where a node starts (every
 * seed a NORMAL member at version 0); joins and leaves change the {@link RingState}, which gossip
 * spreads and this class merges, persists and turns into a new {@link RingView}. Callers ask for
 * {@link #ring()} or {@link #view()} per request, so a change applies from the next request on.
 *
 * <p>A node outside its own seed list starts as a non-member: it knows the seeds as contact
 * points, serves requests by forwarding to the ring, and becomes a member by joining.
 */
public final class Membership {

    private record Snapshot(RingState state, RingView view) {
    }

    private final String self;
    private final URI selfUrl;
    private final Map<String, Peer> seeds;
    private final int partitionCount;
    private final int tokensPerNode;
    private final int replicationFactor;
    private final RingStateStore store;
    private final List<Consumer<RingState>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    /**
     * @param selfUrl how other nodes reach this one; only needed when this node is not in its seed list
     *                (the seed list's address wins otherwise)
     */
    public Membership(String self, URI selfUrl, List<Peer> seedList, int partitionCount, int tokensPerNode,
                      int replicationFactor, RingStateStore store) {
        Map<String, Peer> byName = new LinkedHashMap<>();
        for (Peer peer : seedList) {
            if (byName.put(peer.nodeId(), peer) != null) {
                throw new IllegalArgumentException("node " + peer.nodeId() + " appears twice in the seed list");
            }
        }
        this.self = self;
        this.seeds = Map.copyOf(byName);
        this.selfUrl = byName.containsKey(self) ? byName.get(self).baseUrl() : selfUrl;
        this.partitionCount = partitionCount;
        this.tokensPerNode = tokensPerNode;
        this.replicationFactor = replicationFactor;
        this.store = store;
        List<Member> initial = new ArrayList<>();
        // A node started alone (no KV_SEEDS) is a ring of one: handy by hand, N is then 1.
        if (byName.isEmpty()) {
            initial.add(new Member(self, this.selfUrl, MemberStatus.NORMAL, 0));
        }
        byName.values().forEach(p -> initial.add(new Member(p.nodeId(), p.baseUrl(), MemberStatus.NORMAL, 0)));
        RingState state = RingState.of(initial);
        state = state.merge(store.load().orElse(RingState.EMPTY));
        if (state.currentNodes().isEmpty()) {
            throw new IllegalArgumentException("the ring state of " + self + " has no member; seeds " + byName.keySet());
        }
        this.snapshot = new Snapshot(state, build(state));
    }

    /** Part 1's fixed ring from a seed list, nothing persisted. */
    public Membership(String self, List<Peer> seeds, int partitionCount, int tokensPerNode, int replicationFactor) {
        this(self, null, seeds, partitionCount, tokensPerNode, replicationFactor, RingStateStore.NONE);
    }

    private RingView build(RingState state) {
        Ring current = new Ring(state.currentNodes(), partitionCount, tokensPerNode, replicationFactor);
        Ring next = state.changing() && !state.nextNodes().isEmpty()
                ? new Ring(state.nextNodes(), partitionCount, tokensPerNode, replicationFactor) : null;
        return new RingView(current, next);
    }

    /** The ring reads use and writes are coordinated in. */
    public Ring ring() {
        return snapshot.view().current();
    }

    public RingView view() {
        return snapshot.view();
    }

    public RingState state() {
        return snapshot.state();
    }

    /** Merges what a peer believes; returns whether anything changed here. */
    public boolean merge(RingState remote) {
        RingState after;
        synchronized (this) {
            RingState before = snapshot.state();
            after = before.merge(remote);
            if (after.equals(before)) {
                return false;
            }
            if (after.currentNodes().isEmpty()) {
                throw new IllegalStateException("refusing a ring state without members: " + after);
            }
            store.save(after);
            snapshot = new Snapshot(after, build(after));
        }
        listeners.forEach(l -> l.accept(after));
        return true;
    }

    /** This node's own entry moves to {@code status} with the next version; persisted before it returns. */
    public Member announce(MemberStatus status) {
        Member entry;
        synchronized (this) {
            Optional<Member> mine = snapshot.state().member(self);
            if (selfUrl == null && mine.isEmpty()) {
                throw new IllegalStateException(self + " does not know its own address (set kv.advertised-url)");
            }
            entry = mine.map(m -> m.next(status)).orElseGet(() -> new Member(self, selfUrl, status, 1));
        }
        merge(RingState.of(List.of(entry)));
        return entry;
    }

    public Optional<MemberStatus> status(String node) {
        return snapshot.state().member(node).map(Member::status);
    }

    /** Called after every change, with the new state. */
    public void onChange(Consumer<RingState> listener) {
        listeners.add(listener);
    }

    public String self() {
        return self;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** The address of another node; fails loudly for a name nobody told us about. */
    public Peer peer(String node) {
        Peer peer = peers().get(node);
        if (peer == null) {
            throw new IllegalArgumentException("no address known for node " + node);
        }
        return peer;
    }

    /** Every node known by address: the ring state's members (left ones too) and the seeds. */
    public Map<String, Peer> peers() {
        Map<String, Peer> all = new TreeMap<>(seeds);
        snapshot.state().members().forEach((node, m) -> all.put(node, new Peer(node, m.url())));
        return all;
    }

    /** Whom gossip talks to: every member that has not left, and the seeds (a joining node knows only them). */
    public List<String> gossipTargets() {
        Map<String, Member> members = snapshot.state().members();
        List<String> targets = new ArrayList<>();
        peers().keySet().forEach(node -> {
            Member m = members.get(node);
            if (!node.equals(self) && (m == null || m.status() != MemberStatus.LEFT)) {
                targets.add(node);
            }
        });
        return targets;
    }
}
