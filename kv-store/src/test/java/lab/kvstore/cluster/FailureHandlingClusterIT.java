package lab.kvstore.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

/**
 * Three real nodes (N=3, R=W=2) with fast gossip, hint replay and anti-entropy, one recorded
 * history: kv-3 is killed during a stream of writes and deletes; every write keeps being
 * acknowledged and the coordinators hold hints for kv-3 while kv-1 reports it down; after kv-3
 * restarts the hints drain to zero, every replica's own copy of every key converges, every
 * acknowledged write reads back from every node, the deleted keys stay deleted (also after
 * their tombstones are collected), and two successive R=2 reads never go backwards.
 */
class FailureHandlingClusterIT {

    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");
    private static final Pattern CONTEXTS = Pattern.compile("\"context\":\"([^\"]*)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> acknowledged = new LinkedHashMap<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    private LocalCluster cluster;

    private HttpResponse<String> send(String node, String method, String path, String body, boolean admin) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(cluster.url(node).resolve(path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            builder.header("Authorization", "Bearer " + cluster.adminToken());
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void killedReplicaGetsHintsAndAntiEntropyAndDeletesNeverComeBack() throws Exception {
        LocalCluster.Builder builder = LocalCluster.builder().service("kv-store").nodes(NODES.toArray(String[]::new));
        for (String node : NODES) {
            builder.env(node, "KV_REQUEST_TIMEOUT_MILLIS", "5000")
                    .env(node, "KV_RESILIENCE_GOSSIP_INTERVAL_MILLIS", "100")
                    .env(node, "KV_RESILIENCE_HINT_REPLAY_INTERVAL_MILLIS", "300")
                    .env(node, "KV_RESILIENCE_HINT_MAX_AGE_MILLIS", "10000")
                    .env(node, "KV_RESILIENCE_ANTI_ENTROPY_INTERVAL_MILLIS", "10");
        }
        try (LocalCluster started = builder.start()) {
            cluster = started;
            for (int i = 0; i < 20; i++) {
                write(NODES.get(i % 3), "before-" + i, "v-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> membership("kv-1").contains("\"node\":\"kv-3\",\"state\":\"alive\""));

            cluster.kill("kv-3");
            for (String coordinator : List.of("kv-1", "kv-2")) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> membership(coordinator).contains("\"node\":\"kv-3\",\"state\":\"down\""));
            }
            double failedBefore = speculativeReads("kv-1", "failed") + speculativeReads("kv-2", "failed");
            for (int i = 0; i < 40; i++) {
                write(NODES.get(i % 2), "during-" + i, "d-" + i);
            }
            for (int i = 0; i < 10; i++) {
                delete(NODES.get(i % 2), "before-" + i);
            }
            // Each delete read first (R=2): kv-1 and kv-2 believe kv-3 down, so no read asked it before the live replica.
            assertThat(speculativeReads("kv-1", "failed") + speculativeReads("kv-2", "failed"))
                    .as("reads that asked the dead kv-3 and had to replace it").isEqualTo(failedBefore);
            long pendingForKv3 = pendingHints("kv-1", "kv-3") + pendingHints("kv-2", "kv-3");
            assertThat(pendingForKv3).as("hints held for kv-3 while it is down").isGreaterThanOrEqualTo(50);

            cluster.start("kv-3");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> pendingHints("kv-1", "kv-3") + pendingHints("kv-2", "kv-3") == 0);

            // Every replica's own copy agrees for every key (hints replayed, anti-entropy ran).
            for (String key : acknowledged.keySet().stream().filter(k -> !deleted.contains(k)).toList()) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> replicasAgree(key));
            }
            assertHistory();

            // Tombstones older than the hint age bound are collected once every replica is known to hold them: the
            // sibling goes, the key's causal context stays, and the collected copy replaces the tombstone on the
            // other replicas by anti-entropy (so not every node need collect one itself). Deleted keys stay deleted.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deleted.stream().allMatch(this::collectedOnEveryReplica));
            assertThat(NODES.stream().mapToLong(this::collectedTombstones).sum()).as("tombstones collected").isPositive();
            assertHistory();
        }
    }

    private void write(String via, String key, String value) throws Exception {
        HttpResponse<String> put = send(via, "PUT", "/kv/" + key + "?w=2", value, false);
        assertThat(put.statusCode()).as("PUT %s via %s: %s", key, via, put.body()).isEqualTo(204);
        acknowledged.put(key, value);
    }

    private void delete(String via, String key) throws Exception {
        HttpResponse<String> read = send(via, "GET", "/kv/" + key + "?r=2", null, false);
        assertThat(read.statusCode()).isEqualTo(200);
        HttpRequest request = HttpRequest.newBuilder(cluster.url(via).resolve("/kv/" + key + "?w=2"))
                .header("X-Context", read.headers().firstValue("X-Context").orElseThrow()).DELETE().build();
        HttpResponse<String> gone = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).as("DELETE %s: %s", key, gone.body()).isEqualTo(204);
        deleted.add(key);
    }

    /** Every acknowledged write is read back from every node, twice, the second never older; deletes stay deleted. */
    private void assertHistory() throws Exception {
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            for (String reader : NODES) {
                for (int attempt = 0; attempt < 2; attempt++) {
                    HttpResponse<String> get = send(reader, "GET", "/kv/" + write.getKey() + "?r=2", null, false);
                    if (deleted.contains(write.getKey())) {
                        assertThat(get.statusCode()).as("deleted %s via %s: %s", write.getKey(), reader, get.body()).isEqualTo(404);
                    } else {
                        assertThat(get.statusCode()).as("GET %s via %s: %s", write.getKey(), reader, get.body()).isEqualTo(200);
                        assertThat(get.body()).isEqualTo(write.getValue());
                    }
                }
            }
        }
    }

    private boolean replicasAgree(String key) throws Exception {
        HttpResponse<String> replicas = send("kv-1", "GET", "/admin/replicas?key=" + key, null, true);
        Matcher m = CONTEXTS.matcher(replicas.body());
        Set<String> contexts = new LinkedHashSet<>();
        int count = 0;
        while (m.find()) {
            contexts.add(m.group(1));
            count++;
        }
        return count == 3 && contexts.size() == 1;
    }

    /** Every replica's own copy of the key holds no sibling (its tombstone was collected) and they agree. */
    private boolean collectedOnEveryReplica(String key) {
        try {
            String body = send("kv-1", "GET", "/admin/replicas?key=" + key, null, true).body();
            return body.split(Pattern.quote("\"siblings\":[]"), -1).length - 1 == 3 && replicasAgree(key);
        } catch (Exception e) {
            return false;
        }
    }

    private String membership(String node) throws Exception {
        return send(node, "GET", "/admin/membership", null, true).body();
    }

    private double speculativeReads(String node, String reason) throws Exception {
        Matcher m = Pattern.compile("kv_read_speculative_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\} ([0-9.E+-]+)")
                .matcher(send(node, "GET", "/actuator/prometheus", null, false).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private long pendingHints(String node, String target) throws Exception {
        Matcher m = Pattern.compile("\"" + target + "\":\\{\"hints\":(\\d+)").matcher(send(node, "GET", "/admin/hints", null, true).body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private long collectedTombstones(String node) {
        try {
            Matcher m = Pattern.compile("\"tombstonesCollected\":(\\d+)").matcher(send(node, "GET", "/admin/repair", null, true).body());
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
