package lab.ratelimit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.ratelimit.policy.PolicyStore;
import lab.ratelimit.redis.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two limiter nodes (Spring contexts in this JVM) against one real Redis that the test stops,
 * hangs and restarts: cluster-wide policy changes, every failure mode, the deadline, and the way back.
 */
class TwoNodesIT {

    static final String TOKEN = "test-admin-token-0123456789";
    static EmbeddedRedis redis;
    static InJvmNode node1;
    static InJvmNode node2;
    final Http http = new Http(TOKEN);

    @BeforeAll
    static void start() {
        redis = new EmbeddedRedis();
        int port1 = EmbeddedRedis.freePort();
        int port2 = EmbeddedRedis.freePort();
        String peers = "ratelimit-1=http://127.0.0.1:" + port1 + ",ratelimit-2=http://127.0.0.1:" + port2;
        Map<String, Object> common = Map.ofEntries(
                Map.entry("ratelimit.redis.uri", redis.uri()),
                Map.entry("lab.admin.token", TOKEN),
                Map.entry("ratelimit.peers", peers),
                Map.entry("ratelimit.policies.o.capacity", 5),
                Map.entry("ratelimit.policies.o.refill-per-second", 1),
                Map.entry("ratelimit.policies.o.failure-mode", "open"),
                Map.entry("ratelimit.policies.o.visibility", "public"),
                Map.entry("ratelimit.policies.c.capacity", 5),
                Map.entry("ratelimit.policies.c.refill-per-second", 1),
                Map.entry("ratelimit.policies.c.failure-mode", "closed"),
                Map.entry("ratelimit.policies.c.visibility", "public"),
                Map.entry("ratelimit.policies.l.capacity", 10),
                Map.entry("ratelimit.policies.l.refill-per-second", 0.5),
                Map.entry("ratelimit.policies.l.failure-mode", "local"),
                Map.entry("ratelimit.policies.l.visibility", "public"));
        Map<String, Object> first = new java.util.HashMap<>(common);
        first.put("ratelimit.policy-refresh-millis", 1000);
        node1 = new InJvmNode("ratelimit-1", port1, first);
        // Node 2 only learns of changes through pub/sub: its periodic refresh is too slow to matter here.
        Map<String, Object> second = new java.util.HashMap<>(common);
        second.put("ratelimit.policy-refresh-millis", 600_000);
        node2 = new InJvmNode("ratelimit-2", port2, second);
    }

    /**
     * Whatever an earlier test did to Redis: it runs, and both nodes enforce globally and see each
     * other. Each poll sends one decision through the node: a Redis breaker left half-open by the
     * previous test closes only after calls succeed through it. The condition must hold for longer
     * than the peer-liveness grace after start-up (3 s), so a peer counts as live because a probe
     * reached it, not because no probe was due yet.
     */
    @BeforeEach
    void redisUpAndNodesGlobal() {
        redis.ensureRunning();
        for (InJvmNode node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(3500)).pollInterval(Duration.ofMillis(100)).until(() -> {
                http.post(node.uri("/limits/default/precondition/acquire"));
                var status = http.admin("GET", node.uri("/admin/limiter"), null).json();
                return "closed".equals(status.get("redis").get("breaker").asString())
                        && status.get("liveNodes").asInt() == 2
                        && !status.get("peers").toString().contains("false");
            });
        }
    }

    @AfterAll
    static void stop() {
        node2.close();
        node1.close();
        redis.close();
    }

    @Test
    void aPolicyChangeOnOneNodeReachesTheOtherThroughPubSubAndAMissedOneThroughTheRefresh() {
        long start = System.nanoTime();
        assertThat(http.admin("PUT", node1.uri("/admin/policies/burst"),
                "{\"capacity\":7,\"refillPerSecond\":2,\"failureMode\":\"open\",\"visibility\":\"public\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> http.get(node2.uri("/limits/burst/x")).status() == 200);
        System.out.printf("policy change visible on the other node after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(http.get(node2.uri("/limits/burst/x")).header("RateLimit-Policy")).isEqualTo("\"burst\";q=7;w=4");

        assertThat(http.admin("DELETE", node2.uri("/admin/policies/burst"), null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> http.get(node1.uri("/limits/burst/x")).status() == 404);

        // A change written without a message (as if the node missed it while reconnecting) arrives by the refresh.
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().hset(PolicyStore.HASH, "quiet", "{\"capacity\":3,\"refillPerSecond\":1,\"failureMode\":\"closed\",\"visibility\":\"public\"}");
            connection.sync().incr(PolicyStore.VERSION);
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> http.get(node1.uri("/limits/quiet/x")).status() == 200);
    }

    @Test
    void redisDownThenHungThenBack() throws Exception {
        assertThat(http.admin("PUT", node1.uri("/admin/policies/runtime"),
                "{\"capacity\":4,\"refillPerSecond\":1,\"failureMode\":\"local\",\"visibility\":\"public\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get(node2.uri("/limits/runtime/x")).status() == 200);
        assertThat(http.post(node1.uri("/limits/l/warm/acquire")).header("X-RateLimit-Mode")).isEqualTo("global");

        redis.stop();
        List<Long> latenciesNanos = new ArrayList<>();

        for (InJvmNode node : List.of(node1, node2)) {
            for (int i = 0; i < 20; i++) {
                Http.Answer open = http.post(node.uri("/limits/o/k/acquire"));
                latenciesNanos.add(open.tookNanos());
                assertThat(open.status()).as("open admits everything").isEqualTo(200);
                assertThat(open.json().get("mode").asString()).isEqualTo("open");
            }
            Http.Answer closed = http.post(node.uri("/limits/c/k/acquire"));
            latenciesNanos.add(closed.tookNanos());
            assertThat(closed.status()).isEqualTo(503);
            assertThat(closed.json().get("type").asString()).isEqualTo("/problems/limiter-unavailable");
            assertThat(closed.json().get("mode").asString()).isEqualTo("closed");
            assertThat(closed.header("Retry-After")).isEqualTo("1");
        }

        // local: each of the two live nodes enforces half of capacity 10 and rate 0.5/s.
        long localStart = System.nanoTime();
        int admitted1 = 0;
        int admitted2 = 0;
        for (int i = 0; i < 15; i++) {
            Http.Answer a = http.post(node1.uri("/limits/l/shared/acquire"));
            Http.Answer b = http.post(node2.uri("/limits/l/shared/acquire"));
            latenciesNanos.add(a.tookNanos());
            latenciesNanos.add(b.tookNanos());
            assertThat(a.header("X-RateLimit-Mode")).isEqualTo("local");
            assertThat(b.header("X-RateLimit-Mode")).isEqualTo("local");
            admitted1 += a.status() == 200 ? 1 : 0;
            admitted2 += b.status() == 200 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - localStart) / 1e9;
        assertThat(admitted1).as("node 1's share").isBetween(5, (int) Math.floor(5 + 0.25 * seconds));
        assertThat(admitted2).as("node 2's share").isBetween(5, (int) Math.floor(5 + 0.25 * seconds));

        assertThat(latenciesNanos).as("no decision waits for a dead Redis")
                .allSatisfy(n -> assertThat(n).isLessThan(Duration.ofMillis(1000).toNanos()));

        Http.Answer refused = http.admin("PUT", node1.uri("/admin/policies/l"),
                "{\"capacity\":99,\"refillPerSecond\":1,\"failureMode\":\"local\",\"visibility\":\"public\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("type").asString()).isEqualTo("/problems/policy-store-unavailable");
        assertThat(http.get(node1.uri("/limits/l/x")).json().get("limit").asLong()).as("nothing changed").isEqualTo(10);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                !"closed".equals(http.admin("GET", node1.uri("/admin/limiter"), null).json().get("redis").get("breaker").asString()));
        Http.Answer status = http.admin("GET", node1.uri("/admin/limiter"), null);
        assertThat(status.json().get("modes").get("l").asString()).isEqualTo("local");
        assertThat(status.json().get("modes").get("o").asString()).isEqualTo("open");
        assertThat(status.json().get("liveNodes").asInt()).isEqualTo(2);
        assertThat(http.get(node1.uri("/actuator/prometheus")).raw().body())
                .contains("ratelimit_mode{application=\"rate-limiter\",mode=\"local\",node=\"ratelimit-1\",policy=\"l\"} 1.0")
                .contains("ratelimit_mode{application=\"rate-limiter\",mode=\"global\",node=\"ratelimit-1\",policy=\"l\"} 0.0");

        redis.start();
        for (InJvmNode node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "global".equals(http.post(node.uri("/limits/l/after/acquire")).header("X-RateLimit-Mode")));
        }
        // Redis came back empty: a node wrote the cluster's set back, the runtime policy included.
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = client.connect()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> connection.sync().hexists(PolicyStore.HASH, "runtime"));

            // A hung Redis (not a dead one) costs each decision at most the deadline, then the breaker cuts it off.
            connection.async().dispatch(io.lettuce.core.protocol.CommandType.DEBUG,
                    new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("SLEEP").add(3));
            List<Long> hung = new ArrayList<>();
            List<String> modes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Http.Answer answer = http.post(node1.uri("/limits/o/hung/acquire"));
                hung.add(answer.tookNanos());
                modes.add(answer.header("X-RateLimit-Mode"));
            }
            assertThat(modes).as("the hung Redis was noticed").contains("open");
            assertThat(hung).as("each decision waits at most about the 50 ms deadline")
                    .allSatisfy(n -> assertThat(n).isLessThan(Duration.ofMillis(500).toNanos()));
        }
        String metrics = http.get(node1.uri("/actuator/prometheus")).raw().body();
        assertThat(metrics).containsPattern("ratelimit_redis_latency_seconds_count\\{[^}]*outcome=\"timeout\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("ratelimit_redis_latency_seconds_max\\{[^}]*outcome=\"timeout\"[^}]*} 0\\.[01]");
        for (InJvmNode node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "global".equals(http.post(node.uri("/limits/l/after-hang/acquire")).header("X-RateLimit-Mode")));
        }
    }
}
