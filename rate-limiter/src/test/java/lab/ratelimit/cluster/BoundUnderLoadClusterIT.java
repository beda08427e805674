package lab.ratelimit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.cluster.LocalCluster;
import lab.ratelimit.api.Http;
import lab.ratelimit.cluster.LimiterHammer.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bound of one policy (capacity 50, 20/s, failure mode local) hammered from both limiter nodes,
 * two separate JVMs with the production Redis deadline (50 ms) against one real Redis: first with
 * Redis up, then with Redis killed. Every answer is recorded with when it was sent and answered, the
 * node and the mode it states; the bound is checked for every prefix of the history, not only the
 * whole run: in every window, the admissions in a mode never exceed what that mode's bucket can give
 * in it (the global bucket for all nodes, each node's half of it for the local mode), and while Redis
 * is up that holds for all admissions together.
 */
class BoundUnderLoadClusterIT {

    static final long CAPACITY = 50;
    /** Every answer, whatever mode it states. */
    static final String ANY = "any";
    static final double RATE = 20;
    static LocalCluster cluster;
    static Http http;
    static URI node1;
    static URI node2;

    static LimiterHammer hammer;

    @BeforeAll
    static void start() throws InterruptedException {
        // A node JVM can take over two minutes to start on the shared 2-core machine under load.
        cluster = LocalCluster.builder().service("rate-limiter").nodes("ratelimit-1", "ratelimit-2")
                .readyTimeout(Duration.ofMinutes(5)).start();
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

    @Test
    void globalAdmissionsStayWithinTheBucketAndEachNodesLocalAdmissionsWithinItsShare() throws Exception {
        hammer.putPolicy("bound", "{\"capacity\":" + CAPACITY + ",\"refillPerSecond\":" + RATE
                + ",\"failureMode\":\"local\",\"visibility\":\"public\"}");
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        long runUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        for (Thread thread : hammer.start("/limits/bound/hot/acquire", 4, () -> System.nanoTime() > runUntil, calls)) {
            thread.join(30_000);
        }
        report("Redis up", calls);
        assertDecidedOrRefusedLocally(calls);
        assertWithinBound(calls, "global", 0, CAPACITY, RATE);
        // With Redis up, the bound holds for every admission, not only those that say global: a call whose
        // deadline ran out may have been counted by Redis and is not admitted again from a local share.
        assertWithinBound(calls, ANY, 0, CAPACITY, RATE);
        for (int node : new int[] {1, 2}) {
            assertWithinBound(calls, "local", node, CAPACITY / 2.0, RATE / 2);
        }

        AtomicBoolean stop = new AtomicBoolean();
        List<Call> outage = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = hammer.start("/limits/bound/hot/acquire", 2, stop::get, outage);
        cluster.kill("redis");
        List<Integer> shareDivisors = Collections.synchronizedList(new ArrayList<>());
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                for (URI node : List.of(node1, node2)) {
                    var status = http.admin("GET", node.resolve("/admin/limiter"), null).json();
                    var divisor = status.has("localShareOf") ? status.get("localShareOf") : status.get("liveNodes");
                    shareDivisors.add(divisor.asInt());
                }
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            synchronized (outage) {
                return outage.stream().filter(c -> "local".equals(c.mode())).count() >= 1500;
            }
        });
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        watcher.join(10_000);
        System.out.println("divisor of the local share seen on the nodes during the outage: " + new java.util.TreeSet<>(shareDivisors));
        List<Call> all = new ArrayList<>(calls);
        all.addAll(outage);
        report("Redis killed", outage);
        assertDecidedOrRefusedLocally(outage);
        assertThat(outage.stream().filter(c -> c.status() == 200 && "local".equals(c.mode()))).as("local mode admits").isNotEmpty();
        assertThat(shareDivisors).as("each node keeps taking half").containsOnly(2);
        assertWithinBound(all, "global", 0, CAPACITY, RATE);
        for (int node : new int[] {1, 2}) {
            assertWithinBound(all, "local", node, CAPACITY / 2.0, RATE / 2);
        }
    }

    /**
     * For every window of the history, from any request in {@code mode} (of {@code node}, 0: both) to
     * any answer in that mode: the admissions sent and answered inside it are at most
     * {@code capacity + rate × window + 1}. Each of them was decided inside the window.
     */
    private static void assertWithinBound(List<Call> calls, String mode, int node, double capacity, double rate) {
        List<Call> inMode = calls.stream().filter(c -> (ANY.equals(mode) || mode.equals(c.mode())) && (node == 0 || c.node() == node))
                .sorted(Comparator.comparingLong(Call::sentNanos)).toList();
        List<Call> admitted = inMode.stream().filter(c -> c.status() == 200)
                .sorted(Comparator.comparingLong(Call::answeredNanos)).toList();
        double worstExcess = Double.NEGATIVE_INFINITY;
        String worst = "no admission";
        for (Call start : inMode) {
            long from = start.sentNanos();
            int inside = 0;
            for (Call end : admitted) {
                if (end.sentNanos() < from) {
                    continue;
                }
                inside++;
                double seconds = (end.answeredNanos() - from) / 1e9;
                double excess = inside - (capacity + rate * seconds + 1);
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = String.format("%d admitted in %s mode%s within a window of %.3f s, bound %.1f",
                            inside, mode, node == 0 ? "" : " on node " + node, seconds, capacity + rate * seconds + 1);
                }
            }
        }
        System.out.println("worst window: " + worst);
        assertThat(worstExcess).as(worst).isLessThanOrEqualTo(0);
    }

    /** 200 or 429, or a 503 that says it was decided locally (Redis may have counted the request). */
    private static void assertDecidedOrRefusedLocally(List<Call> calls) {
        assertThat(calls).allSatisfy(c -> assertThat(c.status() == 200 || c.status() == 429
                || c.status() == 503 && "local".equals(c.mode())).as("%s", c).isTrue());
    }

    private static void report(String phase, List<Call> calls) {
        synchronized (calls) {
            for (int node : new int[] {1, 2}) {
                for (String mode : new String[] {"global", "local"}) {
                    int n = node;
                    long answers = calls.stream().filter(c -> c.node() == n && mode.equals(c.mode())).count();
                    long admitted = calls.stream().filter(c -> c.node() == n && mode.equals(c.mode()) && c.status() == 200).count();
                    long refused = calls.stream().filter(c -> c.node() == n && mode.equals(c.mode()) && c.status() == 503).count();
                    System.out.printf("%s: node %d %s: %d answers, %d admitted, %d refused unconfirmed%n",
                            phase, node, mode, answers, admitted, refused);
                }
            }
        }
    }
}
