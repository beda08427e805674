package lab.kvstore.membership;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Push-pull gossip: send this node's heartbeat table to a peer, get the peer's back. */
public interface GossipTransport {

    CompletableFuture<Map<String, Heartbeat>> exchange(String node, Map<String, Heartbeat> table, long timeoutMillis);
}
