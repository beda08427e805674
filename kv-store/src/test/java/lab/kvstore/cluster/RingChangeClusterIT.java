package lab.kvstore.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 6 with real processes (N=3, R=W=2): kv-1..kv-3 run, kv-4 is started later with them as
 * its seeds and joins during a stream of read-modify-write clients; then kv-2 leaves, still under
 * writes. Checked over the recorded history: every node ends with the same ring (kv-1, kv-3, kv-4),
 * every partition has N distinct replicas, every replica of every key holds the same copy, and the
 * last acknowledged value of every key reads back from every node.
 */
@Tag("drill") // over two minutes on 2 cores: ./mvnw verify -Pdrills
class RingChangeClusterIT {

    private static final List<String> SEEDS = List.of("kv-1", "kv-2", "kv-3");
    private static final int KEYS = 300;
    private static final int STREAM_BYTES_PER_SECOND = 48 * 1024;

    private final Map<String, String> lastAcknowledged = new ConcurrentHashMap<>();
    /** Per key, the values of writes that failed after its last acknowledged one: each may still have been applied (indeterminate). */
    private final Map<String, List<String>> attemptedSince = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> refusedByStatus = new ConcurrentHashMap<>();
    private final AtomicInteger acknowledgedDuringChanges = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean changing = new AtomicBoolean();
    private final AtomicBoolean stopWriting = new AtomicBoolean();
    private volatile List<String> writeVia = SEEDS;
    private KvHttp kv;

    @Test
    void aNodeJoinsAndAnotherLeavesUnderWritesAndNothingAcknowledgedIsLost() throws Exception {
        LocalCluster.Builder builder = LocalCluster.builder().service("kv-store").nodes(SEEDS.toArray(String[]::new)).standby("kv-4");
        for (String node : List.of("kv-1", "kv-2", "kv-3", "kv-4")) {
            builder.env(node, "KV_PARTITIONS", "128")
                    .env(node, "KV_REQUEST_TIMEOUT_MILLIS", "4000")
                    .env(node, "KV_RESILIENCE_GOSSIP_INTERVAL_MILLIS", "100")
                    .env(node, "KV_RESILIENCE_ANTI_ENTROPY_INTERVAL_MILLIS", "20")
                    .env(node, "KV_RESILIENCE_STREAM_MAX_BYTES_PER_SECOND", Integer.toString(STREAM_BYTES_PER_SECOND))
                    .env(node, "KV_RESILIENCE_RING_CHANGE_RETRY_MILLIS", "300");
        }
        try (LocalCluster cluster = builder.start()) {
            kv = new KvHttp(cluster);
            for (int i = 0; i < KEYS; i++) {
                String value = "initial-" + i + "-" + "x".repeat(200);
                assertThat(kv.write(SEEDS.get(i % 3), "k" + i, value, null)).isTrue();
                lastAcknowledged.put("k" + i, value);
            }
            Thread writer = Thread.ofPlatform().name("writer").start(this::readModifyWriteUntilStopped);
            try {
                cluster.start("kv-4");
                assertThat(kv.admin("kv-4", "GET", "/admin/ring").get("nodes").toString()).doesNotContain("kv-4");
                changing.set(true);
                JsonNode joining = kv.admin("kv-4", "POST", "/admin/join");
                assertThat(joining.get("status").asString()).isEqualTo("JOINING");
                awaitChangeDone("kv-4");
                writeVia = List.of("kv-1", "kv-3", "kv-4");
                awaitSameRingEverywhere(List.of("kv-1", "kv-2", "kv-3", "kv-4"), List.of("kv-1", "kv-2", "kv-3", "kv-4"));

                kv.admin("kv-2", "POST", "/admin/leave");
                awaitChangeDone("kv-2");
                awaitSameRingEverywhere(List.of("kv-1", "kv-2", "kv-3", "kv-4"), List.of("kv-1", "kv-3", "kv-4"));
                changing.set(false);
            } finally {
                // The writer ends after its current operation, so every attempt it made is recorded.
                stopWriting.set(true);
                writer.join(60_000);
            }
            assertThat(writer.isAlive()).isFalse();
            assertThat(acknowledgedDuringChanges.get()).as("writes acknowledged while partitions moved (refused: %s)", refused.get())
                    .isGreaterThanOrEqualTo(50);

            for (String node : List.of("kv-1", "kv-3", "kv-4")) {
                JsonNode ring = kv.admin(node, "GET", "/admin/ring");
                assertThat(ring.get("replicationFactor").asInt()).isEqualTo(3);
                assertThat(ring.get("partitionsBelowReplicationFactor").asInt()).as("partitions below N on %s", node).isZero();
                int replicas = 0;
                for (JsonNode count : ring.get("replicaPartitions")) {
                    replicas += count.asInt();
                }
                assertThat(replicas).isEqualTo(3 * 128);
                assertThat(ring.get("replicaPartitions").has("kv-2")).isFalse();
            }
            JsonNode joinStreams = kv.admin("kv-4", "GET", "/admin/streaming");
            assertThat(joinStreams.get("boundBytesPerSecond").asLong()).isEqualTo(STREAM_BYTES_PER_SECOND);
            assertThat(joinStreams.get("bytesStreamed").asLong()).isPositive();
            assertThat(joinStreams.get("throttledMillis").asLong()).as("the bound held the join's streams back").isPositive();
            assertThat(kv.admin("kv-2", "GET", "/admin/streaming").get("keysStreamed").asLong()).isPositive();

            System.out.printf("writes acknowledged while partitions moved: %d, not acknowledged: %d by status %s%n",
                    acknowledgedDuringChanges.get(), refused.get(), refusedByStatus);
            // The invariant over the history: every node returns the last acknowledged value of every key,
            // or a value a later, unacknowledged (so possibly applied) write of that key carried.
            for (Map.Entry<String, String> write : lastAcknowledged.entrySet()) {
                List<String> allowed = new ArrayList<>(attemptedSince.getOrDefault(write.getKey(), List.of()));
                allowed.add(write.getValue());
                for (String reader : List.of("kv-1", "kv-3", "kv-4")) {
                    KvHttp.Read read = kv.read(reader, write.getKey());
                    assertThat(read.status()).as("GET %s via %s", write.getKey(), reader).isIn(200, 300);
                    assertThat(read.values()).as("GET %s via %s: the last acknowledged value or a later attempt", write.getKey(), reader)
                            .containsAnyElementsOf(allowed);
                }
            }
            // Every one of the N replicas of every key holds the same copy (streams, joint quorum, anti-entropy).
            for (String key : lastAcknowledged.keySet()) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> kv.replicasAgree("kv-1", key, 3));
            }
        }
    }

    /** One client: read a key at R=2, write a new value with the read's context at W=2, record what was acknowledged. */
    private void readModifyWriteUntilStopped() {
        for (int i = 0; !stopWriting.get(); i++) {
            String key = "k" + (i % KEYS);
            String via = writeVia.get(i % writeVia.size());
            try {
                KvHttp.Read read = kv.read(via, key);
                String value = "w" + i + "-" + "y".repeat(200);
                if (read.context().isEmpty()) {
                    refusedByStatus.computeIfAbsent(read.status(), c -> new AtomicInteger()).incrementAndGet();
                    continue;
                }
                int status = kv.send(via, "PUT", "/kv/" + key + "?w=2", value, read.context().get(), false).statusCode();
                if (status == 204) {
                    lastAcknowledged.put(key, value);
                    attemptedSince.remove(key);
                    if (changing.get()) {
                        acknowledgedDuringChanges.incrementAndGet();
                    }
                } else {
                    attemptedSince.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                    refusedByStatus.computeIfAbsent(status, c -> new AtomicInteger()).incrementAndGet();
                    refused.incrementAndGet();
                }
            } catch (Exception e) {
                // No answer (client timeout): the write may have been applied.
                attemptedSince.computeIfAbsent(key, k -> new ArrayList<>()).add("w" + i + "-" + "y".repeat(200));
                refused.incrementAndGet();
            }
        }
    }

    private void awaitChangeDone(String node) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> kv.admin(node, "GET", "/admin/streaming").get("phase").asString().equals("DONE"));
    }

    /** Every node reports the same ring state, with exactly {@code members} in the ring and nothing changing. */
    private void awaitSameRingEverywhere(List<String> nodes, List<String> members) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<String> digests = new ArrayList<>();
            for (String node : nodes) {
                JsonNode ring = kv.admin(node, "GET", "/admin/ring");
                List<String> ringNodes = StreamSupport.stream(ring.get("nodes").spliterator(), false).map(JsonNode::asString).toList();
                if (!ringNodes.equals(members) || ring.has("nextNodes")) {
                    return false;
                }
                digests.add(ring.get("digest").asString());
            }
            return digests.stream().distinct().count() == 1;
        });
    }
}
