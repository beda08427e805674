package lab.ratelimit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import lab.ratelimit.api.Http;

/** Load on two limiter nodes from several threads each, every answer recorded as the client saw it. */
final class LimiterHammer {

    /** One request; the decision happened between sent and answered. */
    record Call(int node, long sentNanos, long answeredNanos, int status, String mode) {
        long tookNanos() {
            return answeredNanos - sentNanos;
        }
    }

    private final Http http;
    private final URI node1;
    private final URI node2;

    LimiterHammer(Http http, URI node1, URI node2) {
        this.http = http;
        this.node1 = node1;
        this.node2 = node2;
    }

    /**
     * Both JVMs take their first few thousand decisions on a policy of their own before any history
     * is recorded: in a node's first seconds class loading and the JIT can stall one decision past
     * the Redis deadline, and cold start is not what the tests are about.
     */
    void warmUp() throws InterruptedException {
        putPolicy("warmup", "{\"capacity\":1000000,\"refillPerSecond\":100000,\"failureMode\":\"open\",\"visibility\":\"public\"}");
        List<Call> warmup = Collections.synchronizedList(new ArrayList<>());
        for (Thread thread : start("/limits/warmup/k/acquire", 2, () -> warmup.size() >= 4000, warmup)) {
            thread.join(60_000);
        }
    }

    /** Writes a policy through node 1 and waits until node 2 serves it too. */
    void putPolicy(String name, String json) {
        assertThat(http.admin("PUT", node1.resolve("/admin/policies/" + name), json).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> http.get(node2.resolve("/limits/" + name + "/probe")).status() == 200);
    }

    /** Hammers {@code path} from {@code threadsPerNode} threads on each node until {@code stop} says so. */
    List<Thread> start(String path, int threadsPerNode, BooleanSupplier stop, List<Call> calls) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadsPerNode * 2; t++) {
            int node = t % 2 + 1;
            URI target = (node == 1 ? node1 : node2).resolve(path);
            threads.add(Thread.ofPlatform().start(() -> {
                while (!stop.getAsBoolean()) {
                    long sent = System.nanoTime();
                    Http.Answer answer = http.post(target);
                    calls.add(new Call(node, sent, System.nanoTime(), answer.status(), answer.header("X-RateLimit-Mode")));
                }
            }));
        }
        return threads;
    }
}
