package lab.kvstore.membership;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import lab.kvstore.ring.Membership;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeRequest;

/** Gossip over the platform client: so the operator's partition fault cuts gossip too, as it should. */
public final class HttpGossipTransport implements GossipTransport {

    private final InterNodeClient client;
    private final Membership membership;

    public HttpGossipTransport(InterNodeClient client, Membership membership) {
        this.client = client;
        this.membership = membership;
    }

    @Override
    public CompletableFuture<GossipMessage> exchange(String node, GossipMessage message, long timeoutMillis) {
        InterNodeRequest request = InterNodeRequest.post(membership.peer(node), "/internal/gossip", Duration.ofMillis(timeoutMillis))
                .noRetry()
                .body(message.encode(), "text/plain");
        return client.sendAsync(request).thenApply(response -> {
            if (response.status() != 200) {
                throw new IllegalStateException(node + " answered gossip with " + response.status());
            }
            return GossipMessage.decode(response.body());
        });
    }
}
