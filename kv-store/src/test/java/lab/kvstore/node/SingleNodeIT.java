package lab.kvstore.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** One real node from the packaged jar: the public API, its validation, the operator API, metrics, and durability across SIGKILL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleNodeIT {

    private static final String TOKEN = "single-node-admin-token-0123456789";
    private KvNodeProcess node;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory("kv-single-");
        node = new KvNodeProcess("kv-1", KvNodeProcess.freePort(), data, Map.of("ADMIN_TOKEN", TOKEN)).start(192);
        node.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        return node.send(method, path, body, headers);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void aValueIsStoredAsSentWhateverItsContentType() throws Exception {
        String[][] cases = {
                {"application/x-www-form-urlencoded", "v1"},            // what `curl -X PUT -d v1` sends
                {"application/x-www-form-urlencoded", "a=1&b=%20two"},
                {"application/json", "{\"a\":1}"},
                {"application/octet-stream", "\u0000binary\u00ff"},
                {null, "no type at all"},
        };
        for (int i = 0; i < cases.length; i++) {
            String key = "/kv/as-sent-" + i;
            byte[] value = utf8(cases[i][1]);
            HttpResponse<byte[]> put = cases[i][0] == null ? send("PUT", key, value) : send("PUT", key, value, "Content-Type", cases[i][0]);
            assertThat(put.statusCode()).as(cases[i][0] + ": " + text(put)).isEqualTo(204);
            HttpResponse<byte[]> get = send("GET", key, null);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).as("value stored for " + cases[i][0]).isEqualTo(value);
        }
    }

    @Test
    @Order(1)
    void putGetSiblingsResolveAndDelete() throws Exception {
        HttpResponse<byte[]> put = send("PUT", "/kv/greeting", utf8("hello"), "Content-Type", "text/plain");
        assertThat(put.statusCode()).as(text(put)).isEqualTo(204);
        assertThat(put.headers().firstValue("X-Context")).isPresent();

        HttpResponse<byte[]> get = send("GET", "/kv/greeting", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(text(get)).isEqualTo("hello");
        assertThat(get.headers().firstValue("Content-Type")).hasValue("text/plain");

        // A second blind write is concurrent with the first: both are kept as siblings.
        assertThat(send("PUT", "/kv/greeting", utf8("hallo"), "Content-Type", "text/plain").statusCode()).isEqualTo(204);
        HttpResponse<byte[]> siblings = send("GET", "/kv/greeting", null);
        assertThat(siblings.statusCode()).isEqualTo(300);
        String json = text(siblings);
        assertThat(json).contains(Base64.getEncoder().encodeToString(utf8("hello")))
                .contains(Base64.getEncoder().encodeToString(utf8("hallo")))
                .contains("\"contentType\":\"text/plain\"");
        String merged = siblings.headers().firstValue("X-Context").orElseThrow();

        assertThat(send("PUT", "/kv/greeting", utf8("hello/hallo"), "X-Context", merged).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> resolved = send("GET", "/kv/greeting", null);
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(text(resolved)).isEqualTo("hello/hallo");
        assertThat(resolved.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        String context = resolved.headers().firstValue("X-Context").orElseThrow();
        assertThat(send("DELETE", "/kv/greeting", null, "X-Context", context).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> gone = send("GET", "/kv/greeting", null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(text(gone)).contains("/problems/key-not-found").contains("\"node\":\"kv-1\"");
        assertThat(gone.headers().firstValue("X-Context")).as("a tombstone's context to write over it").isPresent();
        assertThat(send("GET", "/kv/never-written", null).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void anyUtf8KeyUpTo1024BytesAndValuesUpTo1MiB() throws Exception {
        String key = "dir/sub dir/ü?€#" ;
        String path = "/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
        assertThat(send("PUT", path, utf8("x")).statusCode()).isEqualTo(204);
        assertThat(text(send("GET", path, null))).isEqualTo("x");
        HttpResponse<byte[]> ring = send("GET", "/admin/ring?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8), null,
                "Authorization", "Bearer " + TOKEN);
        assertThat(text(ring)).contains("\"preferenceList\":[\"kv-1\"]").contains(key);

        String longest = "k".repeat(1024);
        assertThat(send("PUT", "/kv/" + longest, utf8("edge")).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> tooLong = send("PUT", "/kv/" + longest + "k", utf8("no"));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(text(tooLong)).contains("/problems/invalid-key").contains("1025 bytes");

        byte[] oneMiB = new byte[1024 * 1024];
        assertThat(send("PUT", "/kv/big", oneMiB).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/kv/big", null).body()).hasSize(1024 * 1024);
        HttpResponse<byte[]> tooBig = send("PUT", "/kv/bigger", new byte[1024 * 1024 + 1]);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(text(tooBig)).contains("/problems/payload-too-large");
        assertThat(send("GET", "/kv/bigger", null).statusCode()).as("nothing written").isEqualTo(404);
    }

    @Test
    @Order(3)
    void badInputIsAFourHundredAndWritesNothing() throws Exception {
        HttpResponse<byte[]> badContext = send("PUT", "/kv/guarded", utf8("v"), "X-Context", "%%%not-a-context");
        assertThat(badContext.statusCode()).isEqualTo(400);
        assertThat(text(badContext)).contains("/problems/invalid-context");

        HttpResponse<byte[]> badQuorum = send("PUT", "/kv/guarded?w=2", utf8("v"));
        assertThat(badQuorum.statusCode()).isEqualTo(400);
        assertThat(text(badQuorum)).contains("/problems/invalid-parameter").contains("N=1");
        assertThat(send("PUT", "/kv/guarded?w=many", utf8("v")).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/kv/guarded?r=0", null).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/kv/guarded", utf8("v"), "Content-Type", "not a media type").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/kv/", utf8("v")).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/kv/guarded", null).statusCode()).as("none of them wrote").isEqualTo(404);

        assertThat(send("GET", "/admin/ring", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/replicas?key=guarded", null, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void metricsShowOperationsSiblingsAndStorage() throws Exception {
        String metrics = text(send("GET", "/actuator/prometheus", null));
        assertThat(metrics)
                .contains("kv_operations_total{application=\"kv-store\",node=\"kv-1\",outcome=\"ok\",type=\"put\"}")
                .contains("kv_coordinator_latency_seconds_bucket")
                .contains("kv_read_siblings_count")
                .contains("kv_writes_with_siblings_total")
                .contains("kv_storage_write_latency_seconds_count")
                .contains("kv_storage_fsyncs_total")
                .contains("kv_storage_keys")
                .contains("kv_storage_bytes");
        assertThat(text(send("GET", "/actuator/health/readiness", null))).contains("kvStore");
    }

    /** Acknowledged writes, many of them concurrent (so group commit shares fsyncs), survive SIGKILL. */
    @Test
    @Order(5)
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(16)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                futures.add(writers.submit(() -> {
                    String value = "value-" + n;
                    HttpResponse<byte[]> response = send("PUT", "/kv/durable-" + n, utf8(value));
                    if (response.statusCode() == 204) {
                        acknowledged.put("durable-" + n, value);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(acknowledged).hasSize(400);
        node.kill();
        node.start(192);
        node.awaitReady(Duration.ofSeconds(90));
        for (Map.Entry<String, String> entry : acknowledged.entrySet()) {
            HttpResponse<byte[]> read = send("GET", "/kv/" + entry.getKey(), null);
            assertThat(read.statusCode()).as(entry.getKey()).isEqualTo(200);
            assertThat(text(read)).isEqualTo(entry.getValue());
        }
    }
}
