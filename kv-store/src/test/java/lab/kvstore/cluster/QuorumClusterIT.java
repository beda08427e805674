package lab.kvstore.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

/**
 * Three real nodes started by the lab's LocalCluster (N=3, R=W=2), one history of operations: every write the cluster acknowledged
 * is recorded, and after single and double kills and a SIGKILL of every node followed by a
 * restart, every acknowledged write is still read back by a quorum read from every node.
 */
class QuorumClusterIT {

    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** key → the value of its acknowledged write (each key is written once, with a unique value). */
    private final Map<String, String> acknowledged = new LinkedHashMap<>();

    private HttpResponse<String> send(URI node, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void writeAndRecord(LocalCluster cluster, String via, String key, String value) throws Exception {
        HttpResponse<String> put = send(cluster.url(via), "PUT", "/kv/" + key + "?w=2", value);
        assertThat(put.statusCode()).as("PUT %s via %s: %s", key, via, put.body()).isEqualTo(204);
        acknowledged.put(key, value);
    }

    private void assertEveryAcknowledgedWriteIsReadable(LocalCluster cluster, List<String> readers) throws Exception {
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            for (String reader : readers) {
                HttpResponse<String> get = send(cluster.url(reader), "GET", "/kv/" + write.getKey() + "?r=2", null);
                assertThat(get.statusCode()).as("GET %s via %s: %s", write.getKey(), reader, get.body()).isEqualTo(200);
                assertThat(get.body()).isEqualTo(write.getValue());
            }
        }
    }

    @Test
    void quorumsSiblingsFailuresAndDurabilityOverOneHistory() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().service("kv-store").nodes("kv-1", "kv-2", "kv-3").start()) {
            // Read-your-writes at R=W=2: written through one node, read back through every node.
            for (int i = 0; i < 30; i++) {
                String via = NODES.get(i % 3);
                writeAndRecord(cluster, via, "ryw-" + i, "value-" + i + "-via-" + via);
                for (String reader : NODES) {
                    HttpResponse<String> get = send(cluster.url(reader), "GET", "/kv/ryw-" + i + "?r=2", null);
                    assertThat(get.statusCode()).isEqualTo(200);
                    assertThat(get.body()).isEqualTo("value-" + i + "-via-" + via);
                }
            }

            concurrentBlindWritesBecomeSiblingsAndTheMergedContextResolvesThem(cluster);

            // One replica down: every key still has 2 of its 3 replicas, so R=W=2 keeps succeeding.
            cluster.kill("kv-3");
            for (int i = 0; i < 30; i++) {
                writeAndRecord(cluster, NODES.get(i % 2), "one-down-" + i, "one-down-value-" + i);
            }
            assertEveryAcknowledgedWriteIsReadable(cluster, List.of("kv-1", "kv-2"));

            // Two of three replicas down: a W=2 write cannot be acknowledged, and says so.
            cluster.kill("kv-2");
            for (String strict : List.of("", "&strict=true")) {
                HttpResponse<String> put = send(cluster.url("kv-1"), "PUT", "/kv/two-down?w=2" + strict, "never acknowledged");
                assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
                assertThat(put.body()).contains("/problems/quorum-not-reached").contains("\"needed\":2").contains("\"answered\":1")
                        .contains("\"indeterminate\":true");
                assertThat(put.headers().firstValue("Retry-After")).isPresent();
            }
            HttpResponse<String> read = send(cluster.url("kv-1"), "GET", "/kv/ryw-1?r=2", null);
            assertThat(read.statusCode()).isEqualTo(503);
            assertThat(read.body()).contains("/problems/quorum-not-reached");

            // Every node SIGKILLed, then restarted on its data directory: nothing acknowledged is lost.
            cluster.kill("kv-1");
            for (String node : NODES) {
                cluster.start(node);
            }
            assertEveryAcknowledgedWriteIsReadable(cluster, NODES);
        }
    }

    private void concurrentBlindWritesBecomeSiblingsAndTheMergedContextResolvesThem(LocalCluster cluster) throws Exception {
        URI kv1 = cluster.url("kv-1");
        URI kv2 = cluster.url("kv-2");
        CompletableFuture<HttpResponse<String>> alice = CompletableFuture.supplyAsync(() -> unchecked(kv1, "alice"));
        CompletableFuture<HttpResponse<String>> bob = CompletableFuture.supplyAsync(() -> unchecked(kv2, "bob"));
        assertThat(alice.join().statusCode()).isEqualTo(204);
        assertThat(bob.join().statusCode()).isEqualTo(204);

        HttpResponse<String> siblings = send(cluster.url("kv-3"), "GET", "/kv/cart?r=3", null);
        assertThat(siblings.statusCode()).as(siblings.body()).isEqualTo(300);
        assertThat(siblings.body()).contains(b64("alice")).contains(b64("bob"));
        String merged = siblings.headers().firstValue("X-Context").orElseThrow();

        HttpResponse<String> resolve = send(cluster.url("kv-3"), "PUT", "/kv/cart?w=3", "alice+bob", "X-Context", merged);
        assertThat(resolve.statusCode()).isEqualTo(204);
        for (String reader : NODES) {
            HttpResponse<String> get = send(cluster.url(reader), "GET", "/kv/cart?r=3", null);
            assertThat(get.statusCode()).as("resolved on %s: %s", reader, get.body()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("alice+bob");
        }
        acknowledged.put("cart", "alice+bob");
    }

    private HttpResponse<String> unchecked(URI node, String value) {
        try {
            return send(node, "PUT", "/kv/cart?w=2", value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
