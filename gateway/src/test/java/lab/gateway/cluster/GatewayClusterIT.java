package lab.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway in front of two id-generator and two rate-limiter nodes, all real processes started
 * by the local cluster's launcher. The tests run in order because the later ones kill nodes.
 * {@code /ids/**} is charged to the policy {@code gw-drill}, which each test shapes through the
 * rate-limiter's operator API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayClusterIT {

    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern IDS = Pattern.compile("\"(\\d+)\"");
    private static LocalCluster cluster;
    private static URI gateway;
    /** An ID issued at the start: GET /ids/{id} (decode) is the idempotent request of the tests. */
    private static String decodePath;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.builder()
                .service("id-generator").service("rate-limiter").service("gateway")
                .env("gateway", "GATEWAY_IDGEN_POLICY", "gw-drill")
                // A node JVM can take over two minutes to start on the shared 2-core machine under load.
                .readyTimeout(Duration.ofMinutes(5))
                .start();
        gateway = cluster.url("gateway");
        putDrillPolicy(1_000_000, 100_000, "open");
        // Every route has a live instance before the tests start.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> issued = Http.send("POST", gateway.resolve("/ids"), Map.of(), null);
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            decodePath = "/ids/" + ids(issued.body()).getFirst();
            assertThat(Http.get(gateway, "/limits/default/probe", Map.of()).statusCode()).isEqualTo(200);
        });
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void everyRouteReachesItsServiceAndOperatorPathsAreNotRouted() {
        Set<String> idgenNodes = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> ids = Http.send("POST", gateway.resolve("/ids?count=2"), Map.of(), null);
            assertThat(ids.statusCode()).isEqualTo(200);
            assertThat(ids(ids.body())).hasSize(2);
            // The node that issued the IDs is the one the gateway says it sent the request to.
            assertThat(ids.body()).contains("\"node\":\"" + ids.headers().firstValue("X-Gateway-Instance").orElseThrow() + "\"");
            idgenNodes.add(ids.headers().firstValue("X-Gateway-Instance").orElseThrow());
        }
        assertThat(Http.get(gateway, decodePath, Map.of()).body()).contains("\"workerId\"");
        assertThat(idgenNodes).containsExactlyInAnyOrder("idgen-1", "idgen-2");

        HttpResponse<String> limits = Http.get(gateway, "/limits/default/route-check", Map.of());
        assertThat(limits.statusCode()).isEqualTo(200);
        assertThat(limits.body()).contains("\"allowed\":true");
        assertThat(limits.headers().firstValue("X-Gateway-Instance").orElseThrow()).startsWith("ratelimit-");

        for (String path : List.of("/admin/node", "/admin/faults", "/internal/anything", "/ADMIN/node", "/ids/../admin/node",
                "/ids/%2e%2e/admin/node", "/ids%2f..%2fadmin/node")) {
            HttpResponse<String> refused = Http.get(gateway, path, Map.of("Authorization", "Bearer " + cluster.adminToken()));
            assertThat(refused.statusCode()).as(path).isIn(400, 404);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
            assertThat(refused.body()).as(path).contains("\"node\":\"gateway\"");
        }
        assertThat(Http.get(gateway, "/admin/node", Map.of()).statusCode()).isEqualTo(404);

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> traced = Http.get(gateway, decodePath, Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        assertThat(traced.headers().firstValue("X-Trace-Id")).hasValue(traceId);
    }

    @Test
    @Order(2)
    void aNodeKilledUnderLoadCostsAtMostTheRequestsInFlightAndTheOtherNodeTakesOver() throws Exception {
        int clients = 8;
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger total = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> servedAfterKill = new CopyOnWriteArrayList<>();
        List<String> issued = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            boolean post = c % 2 == 1;   // half the clients take IDs (POST without an Idempotency-Key), half decode one
            futures.add(pool.submit(() -> {
                while (!stop.get()) {
                    boolean afterKill = killed.get();
                    HttpResponse<String> r = Http.send(post ? "POST" : "GET", gateway.resolve(post ? "/ids" : decodePath), Map.of(), null);
                    total.incrementAndGet();
                    if (post && r.statusCode() == 200) {
                        issued.addAll(ids(r.body()));
                    }
                    if (r.statusCode() >= 500) {
                        errors.add(r.statusCode() + " " + r.body());
                    } else if (afterKill) {
                        servedAfterKill.add(r.headers().firstValue("X-Gateway-Instance").orElse("?"));
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> total.get() > 50);
        cluster.kill("idgen-2");
        killed.set(true);
        int atKill = total.get();
        await().atMost(Duration.ofSeconds(90)).until(() -> total.get() > atKill + 150);
        stop.set(true);
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        assertThat(errors).as("errors after killing idgen-2 (at most one per request in flight)").hasSizeLessThanOrEqualTo(clients);
        assertThat(servedAfterKill).isNotEmpty().allMatch("idgen-1"::equals);
        assertThat(issued).as("IDs issued through the gateway across the kill").doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Http.get(gateway, "/actuator/edge", Map.of("Authorization", "Bearer " + cluster.adminToken())).body()).contains("\"live\":[\"idgen-1\"]"));
    }

    @Test
    @Order(3)
    void aLowPolicyAnswers429WithTheLimitersHeaders() {
        putDrillPolicy(3, 0.01, "local");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Http.get(gateway, decodePath, Map.of()).headers()
                        .firstValue("RateLimit-Policy")).hasValue("\"gw-drill\";q=3;w=300"));
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        String low1 = issueKey();
        for (int i = 0; i < 5; i++) {
            last = Http.get(gateway, decodePath, Map.of("X-Api-Key", low1));
            statuses.add(last.statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
        assertThat(last.headers().firstValue("RateLimit-Policy")).hasValue("\"gw-drill\";q=3;w=300");
        assertThat(last.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"gw-drill\";r=0;");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(last.headers().firstValue("X-RateLimit-Mode")).hasValue("global");
        assertThat(last.body()).contains("/problems/quota-exceeded").contains("\"node\":\"ratelimit-");
        // Another issued key has its own bucket.
        assertThat(Http.get(gateway, decodePath, Map.of("X-Api-Key", issueKey())).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aFailingLimiterLeavesEachPolicyToItsFailureModeWithinTheRouteTimeout() {
        for (String mode : List.of("open", "closed", "local")) {
            putDrillPolicy(3, 0.01, mode);
            awaitMirrored(mode);
            String key = issueKey();
            setLimiterFaults("{\"errorRate\":1.0}");
            assertFailureMode(mode, key);
            clearLimiterFaults();
        }
        // A limiter that hangs: the decision waits at most gateway.rate-limit.timeout, then the failure mode answers.
        putDrillPolicy(3, 0.01, "closed");
        awaitMirrored("closed");
        String slow = issueKey();
        setLimiterFaults("{\"latencyMillis\":5000}");
        assertFailureMode("closed", slow);
        clearLimiterFaults();
    }

    @Test
    @Order(5)
    void withTheLimiterKilledTheFailureModeStillAnswersInTime() {
        putDrillPolicy(3, 0.01, "local");
        awaitMirrored("local");
        String killed = issueKey();
        cluster.kill("ratelimit-1");
        cluster.kill("ratelimit-2");
        assertFailureMode("local", killed);
        // The /limits route itself has no live instance now: a 503 problem that says when to retry.
        HttpResponse<String> limits = Http.get(gateway, "/limits/default/x", Map.of());
        assertThat(limits.statusCode()).isEqualTo(503);
        assertThat(limits.headers().firstValue("Retry-After")).isPresent();
        assertThat(limits.body()).containsAnyOf("/problems/no-live-instance", "/problems/circuit-open");
    }

    private static void assertFailureMode(String mode, String key) {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = Http.get(gateway, decodePath, Map.of("X-Api-Key", key));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(mode + " answer time").isLessThan(ROUTE_TIMEOUT);
            answers.add(r);
        }
        List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
        switch (mode) {
            case "open" -> assertThat(statuses).as(mode).containsOnly(200);
            case "closed" -> {
                assertThat(statuses).as(mode).containsOnly(503);
                assertThat(answers.getFirst().body()).contains("/problems/limiter-unavailable").contains("\"node\":\"gateway\"");
                assertThat(answers.getFirst().headers().firstValue("Retry-After")).hasValue("1");
            }
            default -> {
                assertThat(statuses).as(mode).containsExactly(200, 200, 200, 429, 429);
                assertThat(answers.getLast().headers().firstValue("X-RateLimit-Mode")).hasValue("local");
                assertThat(answers.getLast().headers().firstValue("RateLimit-Policy")).hasValue("\"gw-drill\";q=3;w=300");
                assertThat(answers.getLast().body()).contains("/problems/quota-exceeded");
            }
        }
        answers.forEach(r -> assertThat(r.headers().firstValue("X-RateLimit-Mode")).as(mode).hasValueSatisfying(
                m -> assertThat(m).isEqualTo(mode)));
    }

    private static String issueKey() {
        return Http.issueApiKey(gateway, cluster.adminToken());
    }

    private static List<String> ids(String body) {
        List<String> ids = new ArrayList<>();
        Matcher m = IDS.matcher(body.substring(body.indexOf('['), body.indexOf(']') + 1));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static void awaitMirrored(String mode) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Http.get(gateway, "/actuator/edgepolicies", Map.of("Authorization", "Bearer " + cluster.adminToken())).body())
                .contains("\"name\":\"gw-drill\",\"capacity\":3,\"refillPerSecond\":0.01,\"failureMode\":\"" + mode.toUpperCase() + "\""));
    }

    private static void putDrillPolicy(long capacity, double refillPerSecond, String mode) {
        HttpResponse<String> r = Http.admin(cluster.url("ratelimit-1"), "PUT", "/admin/policies/gw-drill", cluster.adminToken(),
                "{\"capacity\":" + capacity + ",\"refillPerSecond\":" + refillPerSecond + ",\"failureMode\":\"" + mode + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // Both limiter nodes enforce the new shape before a test counts on it (the other learns it by pub/sub).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String node : List.of("ratelimit-1", "ratelimit-2")) {
                assertThat(Http.admin(cluster.url(node), "GET", "/admin/policies/gw-drill", cluster.adminToken(), null).body())
                        .contains("\"capacity\":" + capacity + ",").contains("\"failureMode\":\"" + mode + "\"");
            }
        });
    }

    private static void setLimiterFaults(String json) {
        for (String node : List.of("ratelimit-1", "ratelimit-2")) {
            assertThat(Http.admin(cluster.url(node), "POST", "/admin/faults", cluster.adminToken(), json).statusCode()).isEqualTo(200);
        }
    }

    private static void clearLimiterFaults() {
        for (String node : List.of("ratelimit-1", "ratelimit-2")) {
            assertThat(Http.admin(cluster.url(node), "DELETE", "/admin/faults", cluster.adminToken(), null).statusCode()).isIn(200, 204);
        }
    }
}
