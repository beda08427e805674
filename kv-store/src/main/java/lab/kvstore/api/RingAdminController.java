package lab.kvstore.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.Ring;
import lab.kvstore.ring.RingView;
import lab.kvstore.version.VersionedValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What this node believes about the ring and about one key's replicas (admin token required). */
@RestController
public class RingAdminController {

    private static final long REPLICA_PROBE_TIMEOUT_MILLIS = 1000;

    private final Membership membership;
    private final Replica replica;
    private final ReplicaTransport transport;

    public RingAdminController(Membership membership, Replica replica, ReplicaTransport transport) {
        this.membership = membership;
        this.replica = replica;
        this.transport = transport;
    }

    @GetMapping("/admin/ring")
    public Map<String, Object> ring(@RequestParam(required = false) String key) {
        RingView view = membership.view();
        Ring ring = view.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", membership.self());
        body.put("digest", membership.state().digest());
        body.put("members", membership.state().members().values().stream().map(m -> Map.of(
                "node", m.node(), "url", m.url().toString(), "status", m.status(), "version", m.version())).toList());
        body.put("nodes", ring.nodes());
        body.put("replicationFactor", ring.replicationFactor());
        body.put("configuredReplicationFactor", membership.replicationFactor());
        body.put("partitions", ring.partitionCount());
        body.put("partitionsBelowReplicationFactor", partitionsBelow(ring, membership.replicationFactor()));
        body.put("tokensPerNode", ring.tokensPerNode());
        body.put("primaryPartitions", ring.primaryPartitions());
        body.put("replicaPartitions", ring.replicaPartitions());
        if (view.changing()) {
            body.put("nextNodes", view.next().nodes());
            body.put("nextReplicaPartitions", view.next().replicaPartitions());
        }
        if (key != null) {
            byte[] bytes = KeyRules.keyBytes(key);
            int partition = ring.partitionOf(bytes);
            Map<String, Object> keyView = new LinkedHashMap<>();
            keyView.put("key", key);
            keyView.put("partition", partition);
            keyView.put("preferenceList", ring.preferenceList(partition));
            keyView.put("writeSet", view.writeSet(partition));
            keyView.put("fallbacks", view.fallbacks(partition));
            body.put("key", keyView);
        }
        return body;
    }

    /** Partitions whose preference list has fewer distinct nodes than the configured N (0 in a healthy ring). */
    private static long partitionsBelow(Ring ring, int replicationFactor) {
        long below = 0;
        for (int p = 0; p < ring.partitionCount(); p++) {
            if (new java.util.HashSet<>(ring.preferenceList(p)).size() < replicationFactor) {
                below++;
            }
        }
        return below;
    }

    /** Each replica's own copy of a key, uncombined: where siblings and divergence are visible. */
    @GetMapping("/admin/replicas")
    public Map<String, Object> replicas(@RequestParam String key) {
        byte[] bytes = KeyRules.keyBytes(key);
        Ring ring = membership.ring();
        int partition = ring.partitionOf(bytes);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("partition", partition);
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (String node : ring.preferenceList(partition)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", node);
            try {
                CompletableFuture<VersionedValue> call = node.equals(membership.self())
                        ? CompletableFuture.completedFuture(replica.read(partition, bytes))
                        : transport.read(node, key, REPLICA_PROBE_TIMEOUT_MILLIS);
                VersionedValue value = call.get(REPLICA_PROBE_TIMEOUT_MILLIS + 100, TimeUnit.MILLISECONDS);
                entry.put("context", value.context().toString());
                List<Map<String, Object>> siblings = new ArrayList<>();
                value.siblings().forEach((dot, sibling) -> siblings.add(Map.of(
                        "dot", dot.toString(),
                        "deleted", sibling.tombstone(),
                        "bytes", sibling.sizeBytes(),
                        "contentType", sibling.contentType(),
                        "timestamp", Instant.ofEpochMilli(sibling.timestampMillis()).toString())));
                entry.put("siblings", siblings);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                entry.put("error", String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
            replicas.add(entry);
        }
        body.put("replicas", replicas);
        return body;
    }
}
