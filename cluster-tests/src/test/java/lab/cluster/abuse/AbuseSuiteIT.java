package lab.cluster.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The black-box abuse suite (docs/security.md): real nodes of every service started by
 * {@link LocalCluster}, attacked through their own ports the way anyone who reaches a port could:
 * other spellings of {@code /admin/**}, {@code /internal/**} without or with a wrong cluster
 * secret, forged gossip, hostile causal contexts, made-up API keys at the edge and overflowing
 * numbers in every numeric parameter. Each probe must get the 4xx it deserves (never a 5xx), and
 * afterwards the cluster must hold what it held before: the ring, the stored value, the faults, the
 * policies. One node per service (three for the kv-store's quorums), one Kafka broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseSuiteIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> KV_NODES = List.of("kv-1", "kv-2", "kv-3");
    private static final List<String> SERVLET_NODES = List.of("idgen-1", "ratelimit-1", "kv-1", "kv-2", "kv-3", "processor", "payments-1", "mq-1");
    private static final List<String> EVERY_NODE = Stream.concat(SERVLET_NODES.stream(), Stream.of("gateway")).toList();
    /**
     * The edge policy of the gateway's /ids route in this run: small, so a client meets its 429 within a few requests;
     * failing locally, so a slow Redis on a busy machine still decides (one limiter node: the whole bucket).
     */
    private static final String EDGE_POLICY = "abuse-edge";
    private static final int EDGE_CAPACITY = 10;
    private static final double EDGE_REFILL_PER_SECOND = 0.2;
    private static final String CONTEXT_KEY = "abuse-context";
    /** How often a probe answered 503 with Retry-After (a dependency too slow on a busy machine) is sent in all. */
    private static final int UNAVAILABLE_ATTEMPTS = 4;

    private LocalCluster cluster;
    private Map<String, String> before;

    @BeforeAll
    void startTheClusterAndRecordItsState() {
        cluster = LocalCluster.builder().nodes(EVERY_NODE.toArray(String[]::new))
                .env("gateway", "GATEWAY_IDGEN_POLICY", EDGE_POLICY)
                .readyTimeout(Duration.ofSeconds(300))
                .start();
        expect(send("kv-1", "PUT", "/kv/" + AbuseProbes.ABUSE_KEY, Map.of("Content-Type", "text/plain"), "v0"), 204);
        expect(send("kv-1", "PUT", "/kv/" + CONTEXT_KEY, Map.of("Content-Type", "text/plain"), "c0"), 204);
        expect(send("ratelimit-1", "PUT", "/admin/policies/" + EDGE_POLICY, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + cluster.adminToken()), "{\"capacity\":" + EDGE_CAPACITY + ",\"refillPerSecond\":"
                + EDGE_REFILL_PER_SECOND + ",\"failureMode\":\"local\"}"), 200);
        before = state();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theOperatorApiSpelledAnyWayIsRefusedWithoutTheToken() {
        List<Probe> probes = new ArrayList<>(AbuseProbes.adminWithoutToken(SERVLET_NODES, EVERY_NODE));
        probes.addAll(AbuseProbes.adminActionsWithoutToken());
        assertEveryAnswer(probes);
        assertNothingChanged();
    }

    @Test
    void internalCallsWithoutTheClusterSecretAreRefused() {
        List<Probe> calls = new ArrayList<>();
        for (String node : SERVLET_NODES) {
            calls.addAll(KV_NODES.contains(node) ? AbuseProbes.kvInternalEndpoints(node) : AbuseProbes.otherInternalEndpoints(node));
        }
        List<Probe> probes = new ArrayList<>(AbuseProbes.withWrongCredentials(calls, cluster.clusterSecret(), cluster.adminToken()));
        probes.addAll(AbuseProbes.internalSpellings(EVERY_NODE));
        probes.add(Probe.of("gateway", "POST", "/internal/gossip", Expectation.REFUSED).header(AbuseProbes.CLUSTER_SECRET_HEADER,
                cluster.clusterSecret()).body("text/plain", "evil-1 1 1\n"));
        assertEveryAnswer(probes);
        assertNothingChanged();
    }

    @Test
    void forgedGossipAndOutOfBoundsInternalInputAreRefusedEvenWithTheSecret() {
        Map<String, String> urls = new LinkedHashMap<>();
        KV_NODES.forEach(n -> urls.put(n, cluster.url(n).toString()));
        assertEveryAnswer(AbuseProbes.forgedGossip(KV_NODES, urls, cluster.clusterSecret()));
        assertNothingChanged();
    }

    @Test
    void aContextNamingNodesOutsideTheRingOrCountersAtTheLimitIsRefusedAndTheKeyStaysReadable() {
        List<Probe> probes = new ArrayList<>();
        List<Map<String, Long>> contexts = new ArrayList<>();
        for (int round = 0; round < 15; round++) {
            Map<String, Long> invented = new LinkedHashMap<>();
            for (int i = 0; i < 250; i++) {
                invented.put("node-" + round + "-" + i, 1L + i);
            }
            contexts.add(invented);
        }
        contexts.add(Map.of("kv-1", Long.MAX_VALUE));
        contexts.add(Map.of("kv-1", Long.MAX_VALUE - 1, "kv-2", 1L));
        contexts.add(Map.of("kv-1", 1L, "evil", 1L));
        for (Map<String, Long> context : contexts) {
            for (String node : List.of("kv-1", "gateway")) {
                probes.add(Probe.of(node, "PUT", "/kv/" + CONTEXT_KEY, Expectation.BAD_REQUEST)
                        .header("X-Context", contextToken(context)).body("text/plain", "poisoned"));
                probes.add(Probe.of(node, "DELETE", "/kv/" + CONTEXT_KEY, Expectation.BAD_REQUEST).header("X-Context", contextToken(context)));
            }
        }
        assertThat(failures(probes, answer -> answer.body().contains("invalid-context")
                ? Optional.empty() : Optional.of("expected the problem type invalid-context")))
                .as("of %d probes, these broke their promise", probes.size()).isEmpty();
        for (String node : KV_NODES) {
            RawHttp.Response read = send(node, "GET", "/kv/" + CONTEXT_KEY, Map.of(), null);
            assertThat(read.status()).as("GET on " + node + ": " + read).isEqualTo(200);
            assertThat(read.body()).isEqualTo("c0");
            expect(send(node, "PUT", "/kv/" + CONTEXT_KEY, Map.of("Content-Type", "text/plain", "X-Context", read.header("x-context")), "c0"), 204);
        }
        assertNothingChanged();
    }

    @Test
    void madeUpApiKeysDoNotEscapeTheEdgeLimitOfTheClientAddress() {
        long startNanos = System.nanoTime();
        int admitted = 0;
        int refused = 0;
        List<String> others = new ArrayList<>();
        int requests = 4 * EDGE_CAPACITY;
        for (int i = 0; i < requests; i++) {
            RawHttp.Response answer = send("gateway", "POST", "/ids", Map.of("X-Api-Key", "made-up-key-" + i), "");
            if (answer.status() == 200) {
                admitted++;
            } else if (answer.status() == 429 || answer.status() == 503 && answer.isProblem() && answer.header("retry-after") != null) {
                refused++; // limited, or the limiter could not decide in time and said so (the bound before availability)
            } else {
                others.add(answer.toString());
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long bound = EDGE_CAPACITY + (long) Math.ceil(seconds * EDGE_REFILL_PER_SECOND);
        assertThat(others).as("answers neither admitted nor refused with 429 or 503 + Retry-After").isEmpty();
        assertThat(admitted).as("admitted in %.1f s against a bound of %d", seconds, bound).isLessThanOrEqualTo((int) bound);
        assertThat(admitted).as("admitted at all (the route works; %d refused)", refused).isPositive();
        assertNothingChanged();
    }

    @Test
    void thePublicLimitsApiCannotSpendTheEdgePolicies() {
        List<Probe> probes = new ArrayList<>();
        for (String policy : List.of("edge-default", "edge-limits", "edge-payments", EDGE_POLICY)) {
            for (String node : List.of("ratelimit-1", "gateway")) {
                probes.add(Probe.of(node, "POST", "/limits/" + policy + "/127.0.0.1/acquire", Expectation.REFUSED));
                probes.add(Probe.of(node, "POST", "/limits/" + policy + "/0:0:0:0:0:0:0:1/acquire?permits=1000", Expectation.REFUSED));
            }
        }
        assertEveryAnswer(probes);
        assertNothingChanged();
    }

    @Test
    void overflowingNumbersAnywhereAreRefusedAndNeverAServerError() {
        assertEveryAnswer(AbuseProbes.overflows());
        assertNothingChanged();
    }

    @Test
    void aValueIsStoredAsSentWhateverItsContentType() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("application/x-www-form-urlencoded", "v1".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/x-www-form-urlencoded; charset=UTF-8", "a=1&b=2".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/json", "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/octet-stream", new byte[] {0, (byte) 0xff, 10, 13, 0});
        bodies.put("", "no type".getBytes(StandardCharsets.UTF_8));
        int i = 0;
        for (var entry : bodies.entrySet()) {
            for (String node : List.of("kv-1", "gateway")) {
                String key = "/kv/typed-" + i++;
                Map<String, String> headers = entry.getKey().isEmpty() ? Map.of() : Map.of("Content-Type", entry.getKey());
                RawHttp.Response put = RawHttp.send(cluster.url(node), "PUT", key, headers, entry.getValue());
                assertThat(put.status()).as("PUT " + key + " as " + entry.getKey() + " via " + node + ": " + put).isEqualTo(204);
                byte[] read = readBytes(key);
                assertThat(read).as("read back " + key + " (" + entry.getKey() + ")").isEqualTo(entry.getValue());
            }
        }
    }

    // ---- sending and checking ----

    private void assertEveryAnswer(List<Probe> probes) {
        assertThat(failures(probes)).as("of %d probes, these broke their promise", probes.size()).isEmpty();
    }

    private List<String> failures(List<Probe> probes) {
        return failures(probes, answer -> Optional.empty());
    }

    /** Every probe sent once; what each answer broke of its promise, and of {@code alsoRequired}. */
    private List<String> failures(List<Probe> probes, Function<RawHttp.Response, Optional<String>> alsoRequired) {
        List<String> failures = new ArrayList<>();
        for (Probe probe : probes) {
            RawHttp.Response answer = send(probe);
            Optional<String> violation = answer.status() >= 500 ? Optional.of("a server error") : probe.expected().violation(answer);
            violation.or(() -> alsoRequired.apply(answer)).ifPresent(v -> failures.add(probe + " -> " + answer + ": " + v));
        }
        return failures;
    }

    /**
     * The probe's answer. A 503 with Retry-After is a dependency that could not answer in time (the
     * gateway's edge limiter on a busy machine), not the answer to the probe: the probe is sent again
     * after the delay the node asked for, a few times, and a 503 that persists is the answer.
     */
    private RawHttp.Response send(Probe probe) {
        RawHttp.Response answer = RawHttp.send(cluster.url(probe.node()), probe.method(), probe.target(), probe.headers(), probe.body());
        for (int attempt = 1; attempt < UNAVAILABLE_ATTEMPTS && isRetryLater(answer); attempt++) {
            pause(Duration.ofSeconds(Math.min(2, Math.max(1, Long.parseLong(answer.header("retry-after").strip())))));
            answer = RawHttp.send(cluster.url(probe.node()), probe.method(), probe.target(), probe.headers(), probe.body());
        }
        return answer;
    }

    private static boolean isRetryLater(RawHttp.Response answer) {
        return answer.status() == 503 && answer.isProblem() && answer.header("retry-after") != null
                && answer.header("retry-after").strip().matches("[0-9]{1,4}");
    }

    /** Waiting as the node's Retry-After asked, not for a condition of the test's own. */
    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private RawHttp.Response send(String node, String method, String target, Map<String, String> headers, String body) {
        return RawHttp.send(cluster.url(node), method, target, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] readBytes(String target) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(cluster.url("kv-2").resolve(target)).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("GET " + target).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }

    /** What the probes must not change: each kv node's ring, the stored value, every node's faults, the limiter's policies. */
    private Map<String, String> state() {
        Map<String, String> state = new LinkedHashMap<>();
        Map<String, String> admin = Map.of("Authorization", "Bearer " + cluster.adminToken());
        for (String node : KV_NODES) {
            JsonNode ring = JSON.readTree(send(node, "GET", "/admin/ring", admin, null).body());
            state.put("ring of " + node, ring.get("digest") + " " + ring.get("members"));
            RawHttp.Response value = send(node, "GET", "/kv/" + AbuseProbes.ABUSE_KEY, Map.of(), null);
            state.put(AbuseProbes.ABUSE_KEY + " read on " + node, value.status() + " " + value.body());
        }
        for (String node : SERVLET_NODES) {
            state.put("faults of " + node, send(node, "GET", "/admin/faults", admin, null).body());
        }
        JsonNode policies = JSON.readTree(send("ratelimit-1", "GET", "/admin/policies", admin, null).body());
        state.put("policies", String.valueOf(policies.get("policies")));
        return state;
    }

    private void assertNothingChanged() {
        assertThat(state()).isEqualTo(before);
    }

    /** A causal context as the kv-store encodes its X-Context tokens: a version vector (node, counter) and no dot cloud. */
    private static String contextToken(Map<String, Long> vector) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(vector.size());
            for (var entry : vector.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeLong(entry.getValue());
            }
            out.writeInt(0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }
}
