package lab.ratelimit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.cluster.LocalCluster;
import lab.ratelimit.api.Http;
import lab.ratelimit.cluster.LimiterHammer.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two limiter nodes as separate JVMs (the packaged jar, through LocalCluster) and a real Redis
 * process that gets SIGKILLed mid-run. Every request is recorded with when it was sent and
 * answered, which node answered, in which mode; the invariants are checked over the whole history.
 */
class TwoLimiterNodesClusterIT {

    static LocalCluster cluster;
    static Http http;
    static URI node1;
    static URI node2;

    static LimiterHammer hammer;

    @BeforeAll
    static void start() throws InterruptedException {
        // A 250 ms Redis deadline instead of 50: these tests are about the global bound and the
        // failure modes on a shared 2-core machine, where a cold JVM can miss 50 ms without Redis
        // being down. The deadline itself is tested in TwoNodesIT (Redis hung with DEBUG SLEEP).
        cluster = LocalCluster.builder().service("rate-limiter").nodes("ratelimit-1", "ratelimit-2")
                .env("ratelimit-1", "RATELIMIT_REDIS_DEADLINEMILLIS", "250")
                .env("ratelimit-2", "RATELIMIT_REDIS_DEADLINEMILLIS", "250")
                .start();
        http = new Http(cluster.adminToken());
        node1 = cluster.url("ratelimit-1");
        node2 = cluster.url("ratelimit-2");
        hammer = new LimiterHammer(http, node1, node2);
        hammer.warmUp();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void putPolicy(String name, String json) {
        hammer.putPolicy(name, json);
    }

    @Test
    void twoNodesOnOneHotKeyNeverAdmitMoreThanCapacityPlusRateTimesElapsed() throws Exception {
        putPolicy("hammer", "{\"capacity\":20,\"refillPerSecond\":50,\"failureMode\":\"closed\",\"visibility\":\"public\"}");
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long runUntil = start + Duration.ofSeconds(6).toNanos();
        List<Thread> threads = hammer.start("/limits/hammer/hot/acquire", 4, () -> System.nanoTime() > runUntil, calls);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        long end = System.nanoTime();

        List<Call> admitted = calls.stream().filter(c -> c.status() == 200).toList();
        assertThat(calls).as("every answer is a decision of the global bucket")
                .allSatisfy(c -> assertThat(c.status()).isIn(200, 429))
                .allSatisfy(c -> assertThat(c.mode()).isEqualTo("global"));
        assertThat(admitted.stream().map(Call::node).distinct()).as("both nodes admitted").hasSize(2);
        double seconds = (end - start) / 1e9;
        assertThat((double) admitted.size()).as("whole run of %.1f s", seconds).isLessThanOrEqualTo(20 + 50 * seconds);
        assertThat((double) admitted.size()).as("sustained demand gets close to the rate").isGreaterThan(0.8 * 50 * seconds);
        for (double window : new double[] {0.1, 0.5, 2.0}) {
            long w = (long) (window * 1e9);
            for (long a = start; a + w <= end; a += w / 4) {
                long from = a;
                long to = a + w;
                long inside = admitted.stream().filter(c -> c.sentNanos() >= from && c.answeredNanos() <= to).count();
                assertThat((double) inside).as("window of %.1f s", window).isLessThanOrEqualTo(20 + 50 * window);
            }
        }
    }

    @Test
    void redisKilledMidRunEachModeBehavesLatencyStaysBoundedAndNodesReturnToGlobal() throws Exception {
        putPolicy("kopen", "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"open\",\"visibility\":\"public\"}");
        putPolicy("kclosed", "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"closed\",\"visibility\":\"public\"}");
        putPolicy("klocal", "{\"capacity\":20,\"refillPerSecond\":10,\"failureMode\":\"local\",\"visibility\":\"public\"}");

        AtomicBoolean stop = new AtomicBoolean();
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = hammer.start("/limits/klocal/hot/acquire", 2, stop::get, calls);
        awaitCalls(calls, "global", 100);

        cluster.kill("redis");
        long killed = System.nanoTime();
        for (URI node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "local".equals(http.post(node.resolve("/limits/klocal/other/acquire")).header("X-RateLimit-Mode")));
            Http.Answer open = http.post(node.resolve("/limits/kopen/k/acquire"));
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.json().get("mode").asString()).isEqualTo("open");
            Http.Answer closed = http.post(node.resolve("/limits/kclosed/k/acquire"));
            assertThat(closed.status()).isEqualTo(503);
            assertThat(closed.json().get("type").asString()).isEqualTo("/problems/limiter-unavailable");
            assertThat(http.admin("PUT", node.resolve("/admin/policies/klocal"),
                    "{\"capacity\":99,\"refillPerSecond\":1,\"failureMode\":\"local\",\"visibility\":\"public\"}").status())
                    .as("no policy change without the store").isEqualTo(503);
        }
        awaitCalls(calls, "local", 200);

        cluster.start("redis");
        long restarted = System.nanoTime();
        for (URI node : List.of(node1, node2)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "global".equals(http.post(node.resolve("/limits/klocal/back/acquire")).header("X-RateLimit-Mode")));
        }
        long global = System.nanoTime();
        int before = calls.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() > before + 100);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(calls).as("no decision waits on a dead Redis: every answer within 1 s")
                .allSatisfy(c -> assertThat(c.tookNanos()).isLessThan(Duration.ofSeconds(1).toNanos()));
        // A call whose Redis deadline ran out before the breaker opened may have been counted by Redis:
        // it is refused (503, mode local), never admitted from the local share.
        assertThat(calls).as("every answer is a decision, or a refusal that says it was made locally")
                .allSatisfy(c -> assertThat(c.status() == 200 || c.status() == 429 || c.status() == 503 && "local".equals(c.mode()))
                        .as("%s", c).isTrue());
        // Local mode: each node enforces half of 20 + 10/s over the time it spent in local mode.
        double outageSeconds = (global - killed) / 1e9;
        for (int node : new int[] {1, 2}) {
            int n = node;
            long localAdmitted = calls.stream().filter(c -> c.node() == n && "local".equals(c.mode()) && c.status() == 200).count();
            assertThat(localAdmitted).as("node %d admitted in local mode during %.1f s", node, outageSeconds)
                    .isPositive()
                    .isLessThanOrEqualTo((long) Math.floor(10 + 5 * outageSeconds));
        }
        assertThat(calls.stream().filter(c -> c.sentNanos() > global && c.status() == 200))
                .allSatisfy(c -> assertThat(c.mode()).isEqualTo("global"));
        // Redis came back empty; the nodes wrote the cluster's policy set back.
        assertThat(http.admin("GET", node2.resolve("/admin/policies"), null).json().get("policies").toString()).contains("\"klocal\"");
        System.out.printf("Redis down for %.1f s; both nodes global %.1f s after Redis restarted%n",
                (restarted - killed) / 1e9, (global - restarted) / 1e9);
    }

    /** Waits until the load has seen {@code count} answers in {@code mode}: phases last by progress, not by the clock. */
    private static void awaitCalls(List<Call> calls, String mode, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            synchronized (calls) {
                return calls.stream().filter(c -> mode.equals(c.mode())).count() >= count;
            }
        });
    }
}
