package lab.kvstore.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.VersionCodec;
import org.junit.jupiter.api.AfterAll;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One real node against hostile input: forged and oversized causal contexts, forged gossip,
 * out-of-range internal parameters, overflow values in every numeric parameter and header, and
 * values of every content type. Each refusal is a 4xx problem, never a 500, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrustBoundaryIT {

    private static final String TOKEN = "trust-boundary-admin-token-0123456789";
    private static final String SECRET = "trust-boundary-cluster-secret-0123456789";
    private static final String SECRET_HEADER = "X-Lab-Cluster-Secret";
    /** Few partitions, so the join at the end streams quickly. */
    private static final String PARTITIONS = "64";
    private static final String[] HOSTILE_NUMBERS = {"9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "2147483648", "-1", "0", "abc", "", "1e3", "0x10", "1.0"};

    private KvNodeProcess node;
    private int port;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory("kv-trust-");
        port = KvNodeProcess.freePort();
        node = new KvNodeProcess("kv-1", port, data, Map.of("ADMIN_TOKEN", TOKEN, "CLUSTER_SECRET", SECRET,
                "KV_SEEDS", "kv-1=http://127.0.0.1:" + port, "KV_PARTITIONS", PARTITIONS)).start(192);
        node.awaitReady(Duration.ofSeconds(180));
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

    /** An inter-node call, carrying the cluster credential as a peer would. */
    private HttpResponse<byte[]> internal(String method, String path, byte[] body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = SECRET_HEADER;
        all[1] = SECRET;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send(method, path, body, all);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertProblem(HttpResponse<byte[]> response, String type) {
        assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(text(response)).contains("/problems/" + type);
    }

    private static String contextNaming(int nodes, String prefix, long counter) {
        Map<String, Long> vector = new TreeMap<>();
        for (int i = 0; i < nodes; i++) {
            vector.put(prefix + i, counter);
        }
        return VersionCodec.toToken(CausalContext.of(vector, List.of()));
    }

    private String ringDigest() throws Exception {
        HttpResponse<byte[]> ring = send("GET", "/admin/ring", null, "Authorization", "Bearer " + TOKEN);
        assertThat(ring.statusCode()).as(text(ring)).isEqualTo(200);
        return text(ring).replaceAll("(?s).*\"digest\":\"([^\"]*)\".*", "$1");
    }

    @Test
    void contextsNamingInventedNodesAreRefusedAndTheKeyKeepsAnswering() throws Exception {
        assertThat(send("PUT", "/kv/poison-target", utf8("original"), "Content-Type", "text/plain").statusCode()).isEqualTo(204);
        for (int i = 0; i < 15; i++) {
            HttpResponse<byte[]> put = send("PUT", "/kv/poison-target", utf8("poison-" + i),
                    "X-Context", contextNaming(250, "n" + i + "-", 1));
            assertProblem(put, "invalid-context");
        }
        HttpResponse<byte[]> get = send("GET", "/kv/poison-target", null);
        assertThat(get.statusCode()).as(text(get)).isEqualTo(200);
        assertThat(text(get)).isEqualTo("original");
        String context = get.headers().firstValue("X-Context").orElseThrow();

        HttpResponse<byte[]> overwrite = send("PUT", "/kv/poison-target", utf8("next"), "X-Context", context);
        assertThat(overwrite.statusCode()).as(text(overwrite)).isEqualTo(204);
        assertThat(text(send("GET", "/kv/poison-target", null))).isEqualTo("next");
        assertProblem(send("DELETE", "/kv/poison-target", null, "X-Context", contextNaming(3, "kv-", 1)), "invalid-context");
        assertThat(send("GET", "/kv/poison-target", null).statusCode()).as("the refused delete deleted nothing").isEqualTo(200);
    }

    @Test
    void contextsBeyondTheirBoundsAreRefused() throws Exception {
        String self = "kv-1";
        List<String> refused = new ArrayList<>();
        refused.add(VersionCodec.toToken(CausalContext.of(Map.of(self, Long.MAX_VALUE), List.of())));
        refused.add(VersionCodec.toToken(CausalContext.of(Map.of(self, Long.MAX_VALUE / 2 + 1), List.of())));
        refused.add(VersionCodec.toToken(CausalContext.ofDot(new Dot(self, Long.MAX_VALUE))));
        List<Dot> cloud = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            cloud.add(new Dot(self, 10L + 2 * i));
        }
        refused.add(VersionCodec.toToken(CausalContext.of(Map.of(), cloud)));
        refused.add("A".repeat(7000));
        for (String token : refused) {
            assertProblem(send("PUT", "/kv/bounded", utf8("v"), "X-Context", token), "invalid-context");
        }
        assertThat(send("GET", "/kv/bounded", null).statusCode()).as("nothing was stored").isEqualTo(404);
    }

    @Test
    void aContextClaimingDotsNoReplicaMintedDoesNotMoveTheCounter() throws Exception {
        HttpResponse<byte[]> first = send("PUT", "/kv/claims", utf8("a"));
        assertThat(first.statusCode()).isEqualTo(204);
        String claim = VersionCodec.toToken(CausalContext.of(Map.of("kv-1", 1_000_000_000_000_000L / 1000), List.of()));
        HttpResponse<byte[]> claimed = send("PUT", "/kv/claims", utf8("b"), "X-Context", claim);
        assertThat(claimed.statusCode()).as(text(claimed)).isEqualTo(204);
        CausalContext after = VersionCodec.fromToken(claimed.headers().firstValue("X-Context").orElseThrow());
        assertThat(after.max("kv-1")).as("the next dot follows the highest one minted, not the claim").isEqualTo(2);
        HttpResponse<byte[]> get = send("GET", "/kv/claims", null);
        assertThat(get.statusCode()).as("the claim covered the one dot minted, so it replaced it").isEqualTo(200);
        assertThat(text(get)).isEqualTo("b");
    }

    @Test
    void forgedGossipIsRefusedWholeAndChangesNothing() throws Exception {
        String url = "http://127.0.0.1:" + port;
        String before = ringDigest();
        long now = System.currentTimeMillis();
        List<String> forged = List.of(
                "@ kv-evil NORMAL 1 http://127.0.0.1:1\n",
                "@ kv-evil JOINING 1 " + url + "\n",
                "@ kv-1 NORMAL 5 http://127.0.0.1:1\n",
                "@ kv-1 LEFT 9223372036854775807 " + url + "\n",
                "@ kv-1 LEFT 9223372036854775808 " + url + "\n",
                "@ kv-1 NORMAL -1 " + url + "\n",
                "@ Evil_Node JOINING 1 http://127.0.0.1:2\n",
                "@ kv-1 NORMAL 1 not a url\n",
                "@ kv-1 BOSS 1 " + url + "\n",
                "Evil_Node " + now + " 1\n",
                "kv-1 9223372036854775807 1\n",
                "kv-1 " + now + " -1\n",
                "kv-1 abc 1\n",
                "kv-1 1\n",
                // a valid join announcement next to a forged line: refused whole, the join is not merged either
                "@ kv-2 JOINING 1 http://127.0.0.1:3\n@ kv-1 NORMAL 2 http://127.0.0.1:4\n");
        for (String message : forged) {
            HttpResponse<byte[]> answer = internal("POST", "/internal/gossip", utf8(message), "Content-Type", "text/plain");
            assertProblem(answer, "malformed-request");
            assertThat(ringDigest()).as("after %s", message).isEqualTo(before);
        }
        HttpResponse<byte[]> huge = internal("POST", "/internal/gossip", new byte[300 * 1024], "Content-Type", "text/plain");
        assertThat(huge.statusCode()).as(text(huge)).isEqualTo(413);
        assertThat(ringDigest()).isEqualTo(before);

        HttpResponse<byte[]> echo = internal("POST", "/internal/gossip", utf8("@ kv-1 NORMAL 0 " + url + "\n"), "Content-Type", "text/plain");
        assertThat(echo.statusCode()).as("the node's own view is accepted: " + text(echo)).isEqualTo(200);
        assertThat(text(echo)).contains("@ kv-1 NORMAL 0 " + url);
    }

    @Test
    void internalParametersOutOfRangeAreFourHundredsAndChangeNothing() throws Exception {
        assertThat(send("PUT", "/kv/internal-target", utf8("kept"))).extracting(HttpResponse::statusCode).isEqualTo(204);
        List<String> partitions = new ArrayList<>(List.of(HOSTILE_NUMBERS));
        partitions.remove("0");
        partitions.addAll(List.of("64", "1024", "99999", "2147483647", "-0x1", "1.5"));
        for (String p : partitions) {
            String encoded = java.net.URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20");
            if (encoded.isEmpty()) {
                continue;
            }
            assertBadParameter(internal("DELETE", "/internal/partitions/" + encoded + "/stale-copy", null));
            assertBadParameter(internal("GET", "/internal/antientropy/" + encoded + "/64/leaves", null));
            assertBadParameter(internal("GET", "/internal/antientropy/" + encoded + "/64/entries?wanted=1", null));
            assertBadParameter(internal("PUT", "/internal/antientropy/" + encoded + "/entries", new byte[4]));
        }
        for (String segments : List.of("2147483647", "1073741824", "8192", "0", "-1", "3", "100", "abc", "9223372036854775807")) {
            assertBadParameter(internal("GET", "/internal/antientropy/0/" + segments + "/leaves", null));
            assertBadParameter(internal("GET", "/internal/antientropy/0/" + segments + "/entries?wanted=0", null));
        }
        for (String wanted : List.of("abc", "64", "-1", "2147483648", "1,,2", "", "0,1,2,3,4,5,6,7,8")) {
            assertBadParameter(internal("GET", "/internal/antientropy/0/8/entries?wanted=" + wanted, null));
        }
        assertThat(internal("GET", "/internal/antientropy/0/4096/leaves", null).body()).hasSize(4096 * 32);
        assertThat(internal("GET", "/internal/antientropy/0/8/entries?wanted=0,7", null).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> garbage = internal("PUT", "/internal/antientropy/0/entries", utf8("not entries at all"));
        assertThat(garbage.statusCode()).as(text(garbage)).isEqualTo(400);
        HttpResponse<byte[]> hugeCount = internal("PUT", "/internal/antientropy/0/entries", new byte[] {0x7f, -1, -1, -1});
        assertThat(hugeCount.statusCode()).as(text(hugeCount)).isEqualTo(400);
        HttpResponse<byte[]> badDelta = internal("PUT", "/internal/kv/aw", utf8("junk"));
        assertThat(badDelta.statusCode()).as(text(badDelta)).isEqualTo(400);
        HttpResponse<byte[]> badHint = internal("PUT", "/internal/hints/kv-1/aw", utf8("junk"));
        assertThat(badHint.statusCode()).as(text(badHint)).isEqualTo(400);

        String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(utf8("internal-target"));
        for (String w : HOSTILE_NUMBERS) {
            HttpResponse<byte[]> forwarded = internal("POST", "/internal/kv/" + key + "/coordinate", utf8("forged"),
                    "X-Kv-W", w.isEmpty() ? " " : w, "X-Kv-Delete", "false");
            assertThat(forwarded.statusCode()).as("W=%s: %s", w, text(forwarded)).isBetween(400, 499);
        }
        for (String deadline : List.of("-1", "-9223372036854775808", "abc", "9223372036854775808")) {
            HttpResponse<byte[]> forwarded = internal("POST", "/internal/kv/" + key + "/coordinate", utf8("forged"),
                    "X-Kv-W", "1", "X-Kv-Delete", "false", "X-Lab-Deadline-Millis", deadline);
            assertThat(forwarded.statusCode()).as("deadline %s: %s", deadline, text(forwarded)).isBetween(400, 499);
        }
        assertThat(text(send("GET", "/kv/internal-target", null))).as("no refused call changed the value").isEqualTo("kept");
    }

    private static void assertBadParameter(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).as("%s %s", response.uri(), text(response)).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).as("%s", response.uri())
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void hostileNumbersInPublicParametersAreFourHundreds() throws Exception {
        assertThat(send("PUT", "/kv/numbers", utf8("kept")).statusCode()).isEqualTo(204);
        for (String n : HOSTILE_NUMBERS) {
            String q = java.net.URLEncoder.encode(n, StandardCharsets.UTF_8);
            assertBadParameter(send("PUT", "/kv/numbers?w=" + q, utf8("changed")));
            assertBadParameter(send("DELETE", "/kv/numbers?w=" + q, null));
            assertBadParameter(send("GET", "/kv/numbers?r=" + q, null));
        }
        assertBadParameter(send("PUT", "/kv/numbers?strict=maybe", utf8("changed")));
        assertThat(text(send("GET", "/kv/numbers", null))).isEqualTo("kept");
    }

    @Test
    void contentLengthGamesAreFourHundredsNeverFiveHundreds() throws Exception {
        assertThat(send("PUT", "/kv/lengths", utf8("kept")).statusCode()).isEqualTo(204);
        for (String length : List.of("9223372036854775807", "9223372036854775808", "-1", "abc", "", "1, 2", "4\r\nContent-Length: 5")) {
            String request = "PUT /kv/lengths HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\nchanged";
            int status = rawStatus(request);
            assertThat(status).as("Content-Length: %s", length).isBetween(400, 499);
        }
        String chunkedTooLarge = "PUT /kv/lengths HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "7fffffffffffffff\r\nabc\r\n0\r\n\r\n";
        assertThat(rawStatus(chunkedTooLarge)).isBetween(400, 499);
        assertThat(text(send("GET", "/kv/lengths", null))).isEqualTo("kept");
    }

    private int rawStatus(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(head).as("an HTTP answer to %s", request).startsWith("HTTP/1.1 ");
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @Test
    void aValueIsStoredAsSentWhateverItsContentType() throws Exception {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        record Case(String key, byte[] value, String contentType, String expectedType) {
        }
        List<Case> cases = List.of(
                new Case("form", utf8("v1"), "application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
                new Case("form-fields", utf8("a=1&b=%20two"), "application/x-www-form-urlencoded;charset=UTF-8",
                        "application/x-www-form-urlencoded;charset=UTF-8"),
                new Case("json", utf8("{\"a\":[1,2,\"\u00e9\"]}"), "application/json", "application/json"),
                new Case("binary", allBytes, "application/octet-stream", "application/octet-stream"),
                new Case("untyped", utf8("no type at all"), null, "application/octet-stream"));
        for (Case c : cases) {
            HttpResponse<byte[]> put = c.contentType() == null
                    ? send("PUT", "/kv/typed-" + c.key(), c.value())
                    : send("PUT", "/kv/typed-" + c.key(), c.value(), "Content-Type", c.contentType());
            assertThat(put.statusCode()).as(c.key() + ": " + text(put)).isEqualTo(204);
            HttpResponse<byte[]> get = send("GET", "/kv/typed-" + c.key(), null);
            assertThat(get.statusCode()).as(c.key()).isEqualTo(200);
            assertThat(get.body()).as(c.key()).isEqualTo(c.value());
            assertThat(get.headers().firstValue("Content-Type")).as(c.key()).hasValue(c.expectedType());
        }
        String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(utf8("typed-forwarded"));
        HttpResponse<byte[]> forwarded = internal("POST", "/internal/kv/" + key + "/coordinate", utf8("v1"),
                "Content-Type", "application/x-www-form-urlencoded", "X-Kv-W", "1", "X-Kv-Delete", "false");
        assertThat(forwarded.statusCode()).as(text(forwarded)).isEqualTo(204);
        assertThat(text(send("GET", "/kv/typed-forwarded", null))).as("a forwarded form-encoded write keeps its body").isEqualTo("v1");
    }

    /**
     * Last: a second real node joins through gossip that these rules check, so they let a real
     * join through; after it, a forged newcomer is still refused.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aRealJoinPassesTheGossipRules() throws Exception {
        int port2 = KvNodeProcess.freePort();
        String url2 = "http://127.0.0.1:" + port2;
        try (KvNodeProcess kv2 = new KvNodeProcess("kv-2", port2, Files.createTempDirectory("kv-trust-2-"), Map.of(
                "ADMIN_TOKEN", TOKEN, "CLUSTER_SECRET", SECRET, "KV_SEEDS", "kv-1=http://127.0.0.1:" + port,
                "KV_ADVERTISED_URL", url2, "KV_PARTITIONS", PARTITIONS)).start(192)) {
            kv2.awaitReady(Duration.ofSeconds(180));
            HttpResponse<byte[]> join = kv2.send("POST", "/admin/join", null, "Authorization", "Bearer " + TOKEN);
            assertThat(join.statusCode()).as(text(join)).isEqualTo(202);
            Awaitility.await("kv-1 sees kv-2 join and complete").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ringDigest().contains("kv-2:N2"));

            String before = ringDigest();
            HttpResponse<byte[]> forged = internal("POST", "/internal/gossip", utf8("@ kv-3 NORMAL 1 http://127.0.0.1:5\n"),
                    "Content-Type", "text/plain");
            assertProblem(forged, "malformed-request");
            assertThat(ringDigest()).isEqualTo(before);
        }
    }
}
