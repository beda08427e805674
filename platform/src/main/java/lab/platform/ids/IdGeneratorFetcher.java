package lab.platform.ids;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.platform.internode.AnyPeer;
import lab.platform.internode.HealthCheckedPeers;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeException;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;
import lab.platform.internode.Peer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /ids?count=N} on any id-generator node, through {@link AnyPeer}: Spring Cloud
 * LoadBalancer's round robin over the nodes that pass their readiness probe ({@link HealthCheckedPeers}:
 * a node without a worker lease is unready), on to the next one when a node refuses the connection,
 * has its breaker open, answers 503 (no worker lease) or does not answer within its share of the
 * deadline. Fetching is idempotent in the sense that matters: IDs fetched and never used are only a gap.
 */
public final class IdGeneratorFetcher implements IdBatchFetcher {

    /** The id-generator's bound on {@code count}. */
    public static final int MAX_BATCH = 10_000;
    /** The service name the generator nodes are balanced under (metrics, logs). */
    public static final String SERVICE_ID = "id-generator";
    /** As the gateway probes its upstreams: a dead or unready generator leaves the rotation within about 2 s. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AnyPeer nodes;
    private final Duration timeout;
    private final HealthCheckedPeers nodeHealth;

    private IdGeneratorFetcher(AnyPeer nodes, Duration timeout, HealthCheckedPeers nodeHealth) {
        this.nodes = nodes;
        this.timeout = timeout;
        this.nodeHealth = nodeHealth;
    }

    /**
     * A fetcher over the id-generator nodes of a peer list ({@code idgen-1=http://…,idgen-2=http://…});
     * with none configured every fetch fails, so the service answers 503 instead of inventing IDs.
     */
    public static IdBatchFetcher over(InterNodeClient client, List<Peer> idGenerators, Duration timeout, MeterRegistry meters) {
        if (idGenerators.isEmpty()) {
            return count -> {
                throw new IdsUnavailableException("no id-generator node is configured", null);
            };
        }
        HealthCheckedPeers balanced = new HealthCheckedPeers(SERVICE_ID, idGenerators, client, PROBE_INTERVAL, PROBE_TIMEOUT, meters);
        return new IdGeneratorFetcher(new AnyPeer(client, balanced, meters), timeout, balanced);
    }

    /** Stops the health checks of the generator nodes. */
    @Override
    public void close() {
        nodeHealth.close();
    }

    @Override
    public List<Long> fetch(int count) {
        if (count < 1 || count > MAX_BATCH) {
            throw new IllegalArgumentException("count must be 1.." + MAX_BATCH + ", got " + count);
        }
        // Each node gets its share of the deadline and the last one all that is left, so a node that
        // hangs (overloaded, partitioned) leaves time for the other instead of failing the fetch.
        int nodeCount = nodes.peers().size();
        Duration share = timeout.dividedBy(nodeCount);
        AtomicInteger attempt = new AtomicInteger();
        InterNodeResponse response;
        try {
            response = nodes.send(timeout, (peer, left) -> {
                boolean lastNode = attempt.incrementAndGet() == nodeCount;
                Duration deadline = lastNode || left.compareTo(share) < 0 ? left : share;
                return InterNodeRequest.post(peer, "/ids?count=" + count, deadline).idempotent();
            });
        } catch (InterNodeException e) {
            throw new IdsUnavailableException("no id-generator node answered within " + timeout.toMillis() + " ms: " + e.getMessage(), e);
        }
        if (!response.isSuccess()) {
            throw new IdsUnavailableException(response.peer().nodeId() + " answered HTTP " + response.status() + ": " + response.bodyAsString(), null);
        }
        try {
            return parse(response, count);
        } catch (RuntimeException unreadable) {
            throw new IdsUnavailableException("unreadable answer from the id-generator: " + unreadable.getMessage(), unreadable);
        }
    }

    private static List<Long> parse(InterNodeResponse response, int count) {
        JsonNode ids = JSON.readTree(response.body()).get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > count) {
            throw new IllegalStateException("expected an 'ids' array of 1.." + count + " in " + response.bodyAsString());
        }
        List<Long> out = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            // IDs are JSON strings (64-bit values do not fit a JavaScript number), but accept numbers too.
            long value = id.isNumber() ? id.longValue() : Long.parseLong(id.asString());
            if (value <= 0) {
                throw new IllegalStateException("an ID must be positive, got " + value);
            }
            out.add(value);
        }
        return out;
    }
}
