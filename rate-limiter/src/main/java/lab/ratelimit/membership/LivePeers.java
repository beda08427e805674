package lab.ratelimit.membership;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.Peer;

/**
 * The limiter nodes of the cluster: how many there are (the divisor of the {@code local} mode's share)
 * and which of them this node can reach now (for the status view and metrics). Each peer's
 * liveness endpoint is probed directly (not through Redis, which is exactly what may be down);
 * a peer counts as live while its last answer is younger than {@code staleAfter}. Before the
 * first probe every peer counts as live: smaller shares are the safe side.
 */
public final class LivePeers {

    private final List<Peer> peers;
    private final InterNodeClient client;
    private final Duration probeTimeout;
    private final long staleAfterNanos;
    private final LongSupplier nanoTime;
    private final long startedNanos;
    private final Map<String, Long> lastSeenNanos = new ConcurrentHashMap<>();

    public LivePeers(List<Peer> peers, InterNodeClient client, Duration probeTimeout, Duration staleAfter,
                     LongSupplier nanoTime, MeterRegistry registry) {
        this.peers = List.copyOf(peers);
        this.client = client;
        this.probeTimeout = probeTimeout;
        this.staleAfterNanos = staleAfter.toNanos();
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        Gauge.builder("ratelimit.nodes.live", this, LivePeers::liveNodes)
                .description("Limiter nodes this node can reach, itself included: the divisor of the local share")
                .register(registry);
    }

    /** Probes every peer once, in parallel, each within the probe timeout. */
    public void probe() {
        peers.forEach(peer -> client.sendAsync(InterNodeRequest.get(peer, "/actuator/health/liveness", probeTimeout).noRetry())
                .thenAccept(response -> {
                    if (response.isSuccess()) {
                        lastSeenNanos.put(peer.nodeId(), nanoTime.getAsLong());
                    }
                }));
    }

    /** This node plus every configured peer, reachable or not: the divisor of a local share. */
    public int clusterSize() {
        return 1 + peers.size();
    }

    /** This node plus every peer that counts as live. */
    public int liveNodes() {
        long now = nanoTime.getAsLong();
        return 1 + (int) peers.stream().filter(peer -> isLive(peer, now)).count();
    }

    /** Every peer and whether it counts as live, for the status endpoint. */
    public Map<String, Boolean> view() {
        long now = nanoTime.getAsLong();
        Map<String, Boolean> view = new LinkedHashMap<>();
        peers.forEach(peer -> view.put(peer.nodeId(), isLive(peer, now)));
        return view;
    }

    private boolean isLive(Peer peer, long now) {
        if (now - startedNanos < staleAfterNanos) {
            return true;
        }
        Long seen = lastSeenNanos.get(peer.nodeId());
        return seen != null && now - seen <= staleAfterNanos;
    }
}
