package lab.kvstore.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.cluster.LocalCluster;
import lab.kvstore.ring.Ring;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Values as large as the API allows, on real nodes (N=3 of 4): a key holding the most siblings a
 * write may leave (16), each of the largest value (1 MiB), is read-repaired onto a replica that
 * missed all of them; then kv-4 leaves while partitions it streams to their new owners hold that
 * key and a 200 KiB entry followed by a 1 MiB value. Every internal request such a key or
 * partition needs stays within what the receiving node accepts, so the repair succeeds and the
 * leave ends.
 */
@Tag("drill") // four nodes moving 16 MiB values: minutes on 2 cores; ./mvnw verify -Pdrills
class LargeValuesClusterIT {

    private static final int MAX_VALUE_BYTES = 1024 * 1024;
    private static final int MAX_SIBLINGS = 16;
    private static final int PARTITIONS = 16;
    private static final int TOKENS_PER_NODE = 128;
    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3", "kv-4");
    private static final String LEAVING = "kv-4";

    private KvHttp kv;

    @Test
    void maxSizeSiblingsAreReadRepairedAndLargePartitionsStreamDuringALeave() throws Exception {
        LocalCluster.Builder builder = LocalCluster.builder().service("kv-store").nodes(NODES.toArray(String[]::new));
        for (String node : NODES) {
            builder.env(node, "KV_PARTITIONS", Integer.toString(PARTITIONS))
                    // This test is about sizes, not speed: a 16 MiB repair to a freshly started JVM on a busy
                    // 2-core machine took longer than 5 s.
                    .env(node, "KV_REQUEST_TIMEOUT_MILLIS", "30000")
                    // Nothing but the read repairs the stale replica: no hint replay, no anti-entropy.
                    .env(node, "KV_RESILIENCE_HINT_REPLAY_INTERVAL_MILLIS", "3600000")
                    .env(node, "KV_RESILIENCE_ANTI_ENTROPY_INTERVAL_MILLIS", "0")
                    .env(node, "KV_RESILIENCE_STREAM_MAX_BYTES_PER_SECOND", Integer.toString(64 * MAX_VALUE_BYTES))
                    .env(node, "KV_RESILIENCE_RING_CHANGE_RETRY_MILLIS", "300");
        }
        Ring before = new Ring(NODES, PARTITIONS, TOKENS_PER_NODE, 3);
        Ring after = new Ring(NODES.stream().filter(n -> !n.equals(LEAVING)).toList(), PARTITIONS, TOKENS_PER_NODE, 3);
        // A key the leaving node replicates, so its stream carries the key to a node that gains it.
        String big = keyReplicatedOn(before, "big-", LEAVING);
        List<String> replicas = before.preferenceList(big.getBytes(StandardCharsets.UTF_8));
        String coordinator = replicas.getFirst();
        String stale = replicas.stream().filter(n -> !n.equals(coordinator) && !n.equals(LEAVING)).findFirst().orElseThrow();
        String gains = newOwner(before, after, big);
        try (LocalCluster cluster = builder.start()) {
            kv = new KvHttp(cluster);
            SoftAssertions softly = new SoftAssertions();

            // One replica misses every sibling: it is down while they are written (W=2), and nothing hands them over later.
            cluster.kill(stale);
            List<String> siblings = new ArrayList<>();
            for (int i = 0; i < MAX_SIBLINGS; i++) {
                String value = valueOfBytes("sibling-" + i + "-", MAX_VALUE_BYTES);
                HttpResponse<String> put = kv.send(coordinator, "PUT", "/kv/" + big + "?w=2", value, null, false);
                assertThat(put.statusCode()).as("blind PUT %d: %s", i, put.body()).isEqualTo(204);
                siblings.add(value);
            }
            cluster.start(stale);
            assertThat(kv.ownCopy(stale, big)).as("%s missed the writes", stale).isEmpty();

            // R=3: every replica of the read must hold the join before the read answers, so the stale one gets all 16 MiB at once.
            HttpResponse<String> read = kv.send(coordinator, "GET", "/kv/" + big + "?r=3", null, null, false);
            softly.assertThat(read.statusCode()).as("GET r=3 of 16 siblings of 1 MiB: %s", abbreviate(read.body())).isEqualTo(300);
            softly.assertThat(kv.ownCopy(stale, big)).as("%s after the read repair", stale).containsExactlyInAnyOrderElementsOf(siblings);

            // Partitions the leaving node streams hold, in key order, a 200 KiB entry then a 1 MiB one.
            Map<String, String> pairs = new LinkedHashMap<>();
            for (int partition : partitionsReplicatedOn(before, LEAVING, 3)) {
                String first = keyInPartition(before, partition, "a-");
                String second = keyInPartition(before, partition, "b-");
                pairs.put(first, valueOfBytes(first + "-", 200 * 1024));
                pairs.put(second, valueOfBytes(second + "-", MAX_VALUE_BYTES));
            }
            for (Map.Entry<String, String> write : pairs.entrySet()) {
                HttpResponse<String> put = kv.send(LEAVING, "PUT", "/kv/" + write.getKey() + "?w=3", write.getValue(), null, false);
                assertThat(put.statusCode()).as("PUT %s: %s", write.getKey(), put.body()).isEqualTo(204);
            }

            kv.admin(LEAVING, "POST", "/admin/leave");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .failFast("the leave was aborted", () -> "ABORTED".equals(phase()))
                    .until(() -> "DONE".equals(phase()));

            assertThat(kv.ownCopy(gains, big)).as("the 16 siblings streamed to %s", gains).containsExactlyInAnyOrderElementsOf(siblings);
            for (Map.Entry<String, String> write : pairs.entrySet()) {
                String owner = newOwner(before, after, write.getKey());
                assertThat(kv.ownCopy(owner, write.getKey())).as("%s streamed to %s", write.getKey(), owner)
                        .containsExactly(write.getValue());
            }
            softly.assertAll();
        }
    }

    /** The node that replicates the key after the leave and did not before. */
    private static String newOwner(Ring before, Ring after, String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        List<String> gained = new ArrayList<>(after.preferenceList(bytes));
        gained.removeAll(before.preferenceList(bytes));
        assertThat(gained).as("new owners of %s", key).hasSize(1);
        return gained.getFirst();
    }

    private String phase() throws Exception {
        JsonNode streaming = kv.admin(LEAVING, "GET", "/admin/streaming");
        return streaming.get("phase").asString();
    }

    /** A value of exactly {@code bytes} ASCII bytes that starts with {@code prefix}. */
    private static String valueOfBytes(String prefix, int bytes) {
        return prefix + "x".repeat(bytes - prefix.getBytes(StandardCharsets.UTF_8).length);
    }

    private static String keyReplicatedOn(Ring ring, String prefix, String node) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (ring.preferenceList(key.getBytes(StandardCharsets.UTF_8)).contains(node)) {
                return key;
            }
        }
    }

    private static List<Integer> partitionsReplicatedOn(Ring ring, String node, int count) {
        List<Integer> partitions = new ArrayList<>();
        for (int p = 0; p < ring.partitionCount() && partitions.size() < count; p++) {
            if (ring.preferenceList(p).contains(node)) {
                partitions.add(p);
            }
        }
        assertThat(partitions).hasSize(count);
        return partitions;
    }

    private static String keyInPartition(Ring ring, int partition, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + partition + "-" + i;
            if (ring.partitionOf(key.getBytes(StandardCharsets.UTF_8)) == partition) {
                return key;
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
