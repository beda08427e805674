package lab.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Who the edge charges, and what it never forwards, against the gateway and two rate-limiter nodes
 * with Redis (real processes from the local cluster's launcher). {@code /limits/**} is charged to
 * the policy {@code gw-edge}, an internal policy the tests shape through the limiter's operator API;
 * every request of the tests comes from this machine's one address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeLimitsClusterIT {

    private static final Pattern API_KEY = Pattern.compile("\"apiKey\":\"([A-Za-z0-9_-]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f]{64})\"");
    private static LocalCluster cluster;
    private static URI gateway;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.builder().service("rate-limiter").service("gateway")
                .env("gateway", "GATEWAY_RATELIMIT_POLICY", "gw-edge")
                // A node JVM can take over two minutes to start on the shared 2-core machine under load.
                .readyTimeout(Duration.ofMinutes(5))
                .start();
        gateway = cluster.url("gateway");
        shapeEdgePolicy(1_000_000, 100_000);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Http.get(gateway, "/limits/default/probe", Map.of()).statusCode()).isEqualTo(200));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void madeUpKeysAndForwardedHeadersNeverLeaveTheClientAddressesBucket() {
        shapeEdgePolicy(3, 0.001);
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 8; i++) {
            last = Http.get(gateway, "/limits/default/spoof", Map.of(
                    "X-Api-Key", "made-up-" + UUID.randomUUID(),
                    "X-Forwarded-For", "203.0.113." + i,
                    "X-Real-IP", "198.51.100." + i,
                    "Forwarded", "for=192.0.2." + i));
            statuses.add(last.statusCode());
        }
        assertThat(statuses).as("one bucket of 3 for this address, whatever the headers say")
                .containsExactly(200, 200, 200, 429, 429, 429, 429, 429);
        assertThat(last.body()).contains("/problems/quota-exceeded");
        assertThat(last.headers().firstValue("RateLimit-Policy")).hasValue("\"gw-edge\";q=3;w=3000");
        assertThat(Http.get(gateway, "/limits/default/spoof", Map.of()).statusCode()).as("and without any header").isEqualTo(429);
    }

    @Test
    @Order(2)
    void anIssuedKeyHasItsOwnBucketUntilItIsRevoked() {
        String issued = Http.send("POST", gateway.resolve("/admin/api-keys"), admin(), null).body();
        String key = group(API_KEY, issued);
        String id = group(ID, issued);
        assertThat(Http.send("GET", gateway.resolve("/admin/api-keys"), admin(), null).body())
                .as("the list holds ids, never keys").contains(id).doesNotContain(key);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(Http.get(gateway, "/limits/default/issued", Map.of("X-Api-Key", key)).statusCode());
        }
        assertThat(statuses).as("the address is spent, the issued key has 3 of its own").containsExactly(200, 200, 200, 429);

        String second = Http.send("POST", gateway.resolve("/admin/api-keys"), admin(), null).body();
        String secondKey = group(API_KEY, second);
        assertThat(Http.get(gateway, "/limits/default/issued", Map.of("X-Api-Key", secondKey)).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = Http.send("DELETE", gateway.resolve("/admin/api-keys/" + group(ID, second)), admin(), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(Http.get(gateway, "/limits/default/issued", Map.of("X-Api-Key", secondKey)).statusCode())
                .as("a revoked key is no key: the spent address bucket, not the 2 tokens its own bucket still holds").isEqualTo(429);

        HttpResponse<String> again = Http.send("DELETE", gateway.resolve("/admin/api-keys/" + group(ID, second)), admin(), null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("/problems/unknown-api-key");
        assertThat(Http.send("DELETE", gateway.resolve("/admin/api-keys/not-an-id"), admin(), null).statusCode()).isEqualTo(404);
        assertThat(Http.get(gateway, "/limits/default/issued", Map.of("X-Api-Key", "has space")).statusCode())
                .as("a malformed key is refused before any bucket").isEqualTo(400);
    }

    @Test
    @Order(3)
    void thePublicRouteCannotSpendTheEdgesOwnPolicies() {
        shapeEdgePolicy(1_000_000, 100_000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Http.get(gateway, "/limits/default/probe", Map.of()).statusCode()).isEqualTo(200));
        for (String policy : List.of("gw-edge", "edge-default", "edge-payments", "edge-limits")) {
            HttpResponse<String> spend = Http.send("POST", gateway.resolve("/limits/" + policy + "/addr:127.0.0.1/acquire"), Map.of(), null);
            assertThat(spend.statusCode()).as(policy + ": " + spend.body()).isEqualTo(404);
            assertThat(spend.body()).contains("/problems/unknown-policy");
            HttpResponse<String> direct = Http.send("POST", cluster.url("ratelimit-1").resolve("/limits/" + policy + "/x/acquire"), Map.of(), null);
            assertThat(direct.statusCode()).as("on the node's own port too: " + policy).isEqualTo(404);
        }
        assertThat(Http.send("POST", gateway.resolve("/limits/default/k/acquire"), Map.of(), null).statusCode())
                .as("a public policy answers").isEqualTo(200);
    }

    @Test
    @Order(4)
    void operatorAndInternalPathsAreNotForwardedUnderAnySpelling() {
        List<String> spellings = List.of(
                "/admin/policies", "/ADMIN/policies", "/Admin/policies", "/%61dmin/policies", "/%41DMIN/policies",
                "//admin/policies", "///admin/policies", "/admin;x/policies", "/admin/policies;x", "/admin%2fpolicies",
                "/limits/../admin/policies", "/limits/%2e%2e/admin/policies", "/limits/.%2E/admin/policies",
                "/limits/..;/admin/policies", "/limits/%2e%2e%2fadmin/policies", "/limits/%5c..%5cadmin/policies",
                "/./admin/policies", "/limits//../admin/policies", "/%2561dmin/policies",
                "/internal/limits/gw-edge/x/acquire", "/INTERNAL/limits/gw-edge/x/acquire", "/%69nternal/limits/gw-edge/x/acquire",
                "//internal/api-keys", "/internal/api-keys", "/limits/%2e%2e/internal/api-keys", "/internal;a=b/api-keys",
                "/ADMIN/api-keys", "//admin/api-keys", "/%61dmin/api-keys", "/admin/api-keys;x");
        for (String path : spellings) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                // Concatenated, not resolved: URI.resolve would remove the dot segments and read "//x" as a host.
                HttpResponse<String> answer = Http.send(method, URI.create(gateway.toString().replaceAll("/$", "") + path), admin(), "{}");
                assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isIn(400, 404);
                assertThat(answer.body()).as(method + " " + path).contains("\"node\":\"gateway\"");
            }
        }
    }

    private static Map<String, String> admin() {
        return Map.of("Authorization", "Bearer " + cluster.adminToken(), "Content-Type", "application/json");
    }

    private static String group(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    /** Shapes gw-edge (internal: the default) and waits until both limiter nodes enforce that shape. */
    private static void shapeEdgePolicy(long capacity, double refillPerSecond) {
        HttpResponse<String> r = Http.admin(cluster.url("ratelimit-1"), "PUT", "/admin/policies/gw-edge", cluster.adminToken(),
                "{\"capacity\":" + capacity + ",\"refillPerSecond\":" + refillPerSecond + ",\"failureMode\":\"closed\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String node : List.of("ratelimit-1", "ratelimit-2")) {
                assertThat(Http.admin(cluster.url(node), "GET", "/admin/policies/gw-edge", cluster.adminToken(), null).body())
                        .contains("\"capacity\":" + capacity + ",");
            }
        });
    }
}
