package lab.kvstore.ring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.platform.internode.Peer;

/**
 * Who is in the cluster and the ring built from them. In this part membership is the configured
 * seed list and never changes; part 2 replaces the fixed list with gossip, publishing a new
 * {@link Ring} on every change, which is why callers always ask for {@link #ring()} per request.
 */
public final class Membership {

    private final String self;
    private final Map<String, Peer> peers;
    private final Ring ring;

    public Membership(String self, List<Peer> seeds, int partitionCount, int tokensPerNode, int replicationFactor) {
        Map<String, Peer> byName = new LinkedHashMap<>();
        for (Peer peer : seeds) {
            if (byName.put(peer.nodeId(), peer) != null) {
                throw new IllegalArgumentException("node " + peer.nodeId() + " appears twice in the seed list");
            }
        }
        List<String> nodes = new ArrayList<>(byName.keySet());
        if (nodes.isEmpty()) {
            // A node started alone (no KV_SEEDS) is a ring of one: handy by hand, N is then 1.
            nodes.add(self);
        } else if (!byName.containsKey(self)) {
            throw new IllegalArgumentException("this node (" + self + ") is not in the seed list " + byName.keySet()
                    + "; every node must list itself in KV_SEEDS");
        }
        this.self = self;
        this.peers = Collections.unmodifiableMap(byName);
        this.ring = new Ring(nodes, partitionCount, tokensPerNode, replicationFactor);
    }

    public Ring ring() {
        return ring;
    }

    public String self() {
        return self;
    }

    /** The address of another node; fails loudly for a name outside the membership. */
    public Peer peer(String node) {
        Peer peer = peers.get(node);
        if (peer == null) {
            throw new IllegalArgumentException("no address known for node " + node);
        }
        return peer;
    }

    public Map<String, Peer> peers() {
        return peers;
    }
}
