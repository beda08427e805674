package lab.kvstore.membership;

import java.util.concurrent.CompletableFuture;

/** Push-pull gossip: send this node's heartbeats and ring state to a peer, get the peer's back. */
public interface GossipTransport {

    CompletableFuture<GossipMessage> exchange(String node, GossipMessage message, long timeoutMillis);
}
