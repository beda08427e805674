package lab.mq.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeException;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;
import lab.platform.internode.Peer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /ids?count=N} on the id-generator's nodes through the kit's client (deadline, breaker
 * per node). Tries the nodes in turn starting with a rotating one, so one dead node costs one
 * breaker refusal, not a timeout per batch. Retrying a fetch is safe: unused IDs are just skipped.
 */
public final class IdGeneratorClient implements IdBatchFetcher {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final InterNodeClient client;
    private final List<Peer> nodes;
    private final Duration timeout;
    private final AtomicInteger next = new AtomicInteger();

    public IdGeneratorClient(InterNodeClient client, List<Peer> nodes, Duration timeout) {
        this.client = client;
        this.nodes = List.copyOf(nodes);
        this.timeout = timeout;
    }

    @Override
    public List<Long> fetch(int count) {
        if (nodes.isEmpty()) {
            throw new IdsUnavailableException("no id-generator node is configured (MQ_IDGEN_URLS)", null);
        }
        int start = Math.floorMod(next.getAndIncrement(), nodes.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Peer node = nodes.get((start + i) % nodes.size());
            try {
                InterNodeResponse response = client.send(InterNodeRequest.post(node, "/ids?count=" + count, timeout).idempotent());
                if (response.isSuccess()) {
                    return parse(response);
                }
                failures.add(node.nodeId() + ": HTTP " + response.status());
            } catch (InterNodeException e) {
                failures.add(node.nodeId() + ": " + e.getMessage());
            } catch (RuntimeException unreadable) {
                failures.add(node.nodeId() + ": unreadable answer (" + unreadable.getMessage() + ")");
            }
        }
        throw new IdsUnavailableException("no id-generator node answered: " + String.join("; ", failures), null);
    }

    private static List<Long> parse(InterNodeResponse response) {
        JsonNode ids = JSON.readTree(response.body()).get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalStateException("no 'ids' array in " + response.bodyAsString());
        }
        List<Long> out = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            // IDs are JSON strings (64-bit values), but accept numbers too.
            out.add(id.isNumber() ? id.longValue() : Long.parseLong(id.asString()));
        }
        return out;
    }
}
