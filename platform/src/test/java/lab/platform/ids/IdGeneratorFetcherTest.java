package lab.platform.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import lab.platform.internode.TestPeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fetcher against real HTTP servers that speak the id-generator's {@code POST /ids?count=N}. */
class IdGeneratorFetcherTest {

    private final List<HttpServer> servers = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InterNodeClient client = TestPeers.client(meters);
    private final AtomicLong nextId = new AtomicLong(253547745472675840L);

    /** Released at the end of each test, so a hanging handler's thread finishes. */
    private final java.util.concurrent.CountDownLatch stopHanging = new java.util.concurrent.CountDownLatch(1);

    private final List<IdBatchFetcher> fetchers = new ArrayList<>();

    @AfterEach
    void stop() {
        fetchers.forEach(IdBatchFetcher::close);
        stopHanging.countDown();
        servers.forEach(s -> s.stop(0));
        client.close();
    }

    @Test
    void fetchesTheBatchItAskedForFromBothNodesInTurn() throws IOException {
        IdBatchFetcher fetcher = over(List.of(generator("idgen-1", 200), generator("idgen-2", 200)),
                Duration.ofSeconds(2), meters);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            List<Long> batch = fetcher.fetch(5);
            assertThat(batch).hasSize(5);
            seen.addAll(batch);
        }
        assertThat(seen).hasSize(20);
        assertThat(fetches("idgen-1")).isEqualTo(2);
        assertThat(fetches("idgen-2")).isEqualTo(2);
    }

    @Test
    void aNodeWhoseReadinessProbeFailsGetsNoFetchesUntilItPassesAgain() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean leaseHeld = new java.util.concurrent.atomic.AtomicBoolean(false);
        Peer withoutLease = serve("idgen-1", query -> leaseHeld.get() ? "{\"ids\":[\"" + nextId.getAndIncrement() + "\"]}" : null, leaseHeld::get);
        IdBatchFetcher fetcher = over(List.of(withoutLease, generator("idgen-2", 200)), Duration.ofSeconds(2), meters);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ready("idgen-1") == 0 && ready("idgen-2") == 1);
        long before = fetches("idgen-1");
        for (int i = 0; i < 6; i++) {
            assertThat(fetcher.fetch(1)).hasSize(1);
        }
        assertThat(fetches("idgen-1")).as("fetches sent to the node that failed its probe").isEqualTo(before);
        assertThat(meters.counter("lab.internode.failovers", "peer", "idgen-1").count()).isZero();

        leaseHeld.set(true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ready("idgen-1") == 1);
        for (int i = 0; i < 6; i++) {
            fetcher.fetch(1);
        }
        assertThat(fetches("idgen-1")).as("fetches once it passed again").isGreaterThan(before);
    }

    @Test
    void aDeadNodeOrOneWithoutALeaseIsSkipped() throws IOException {
        IdBatchFetcher fetcher = over(List.of(TestPeers.deadPeer("idgen-1"), generator("idgen-2", 200)),
                Duration.ofSeconds(2), meters);
        for (int i = 0; i < 3; i++) {
            assertThat(fetcher.fetch(3)).hasSize(3);
        }
        IdBatchFetcher noLease = over(List.of(generator("idgen-3", 503), generator("idgen-4", 200)),
                Duration.ofSeconds(2), meters);
        for (int i = 0; i < 3; i++) {
            assertThat(noLease.fetch(3)).hasSize(3);
        }
        assertThat(meters.counter("lab.internode.failovers", "peer", "idgen-3").count()).isPositive();
    }

    @Test
    void aNodeThatHangsCostsItsShareOfTheDeadlineAndTheOtherAnswers() throws IOException {
        Peer hanging = serve("idgen-1", query -> {
            try {
                stopHanging.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        IdBatchFetcher fetcher = over(List.of(hanging, generator("idgen-2", 200)), Duration.ofSeconds(2), meters);
        long start = System.nanoTime();
        assertThat(fetcher.fetch(3)).hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void noNodeAnsweringIsA503ProblemWithRetryAfter() throws IOException {
        IdBatchFetcher fetcher = over(List.of(TestPeers.deadPeer("idgen-1"), TestPeers.deadPeer("idgen-2")),
                Duration.ofSeconds(2), meters);
        assertThatThrownBy(() -> fetcher.fetch(10)).isInstanceOfSatisfying(IdsUnavailableException.class, e -> {
            assertThat(e.type().status().value()).isEqualTo(503);
            assertThat(e.type().slug()).isEqualTo("ids-unavailable");
            assertThat(e.retryAfterOrNull()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThatThrownBy(() -> over(List.of(), Duration.ofSeconds(1), meters).fetch(1))
                .isInstanceOf(IdsUnavailableException.class).hasMessageContaining("no id-generator node is configured");
    }

    @Test
    void anAnswerWithoutIdsIsNotTakenForIds() throws IOException {
        IdBatchFetcher fetcher = over(List.of(answering("idgen-1", "{\"ids\":[]}")), Duration.ofSeconds(2), meters);
        assertThatThrownBy(() -> fetcher.fetch(2)).isInstanceOf(IdsUnavailableException.class).hasMessageContaining("'ids' array");
        IdBatchFetcher tooMany = over(List.of(answering("idgen-2", "{\"ids\":[\"1\",\"2\",\"3\"]}")),
                Duration.ofSeconds(2), meters);
        assertThatThrownBy(() -> tooMany.fetch(2)).isInstanceOf(IdsUnavailableException.class);
    }

    /** {@code POST /ids} calls sent to a node (readiness probes are GETs). */
    private long fetches(String peer) {
        var timers = meters.find("lab.internode.requests").tags("peer", peer, "method", "POST").timers();
        return timers.stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
    }

    private double ready(String peer) {
        var gauge = meters.find("lab.internode.peer.ready").tags("service", "id-generator", "peer", peer).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private IdBatchFetcher over(List<Peer> nodes, Duration timeout, SimpleMeterRegistry registry) {
        IdBatchFetcher fetcher = IdGeneratorFetcher.over(client, nodes, timeout, registry);
        fetchers.add(fetcher);
        return fetcher;
    }

    /**
     * Answers {@code {"ids":["…",…]}} with {@code count} fresh IDs, or the given error status; its
     * readiness probe passes either way (a node that lost its lease since its last probe).
     */
    private Peer generator(String name, int status) throws IOException {
        return serve(name, query -> {
            if (status != 200) {
                return null;
            }
            int count = Integer.parseInt(query.replace("count=", ""));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add("\"" + nextId.getAndIncrement() + "\"");
            }
            return "{\"ids\":[" + String.join(",", ids) + "]}";
        });
    }

    private Peer answering(String name, String body) throws IOException {
        return serve(name, query -> body);
    }

    private Peer serve(String name, java.util.function.Function<String, String> bodyForQuery) throws IOException {
        return serve(name, bodyForQuery, () -> true);
    }

    /** A generator node: {@code POST /ids} answered by {@code bodyForQuery} (null: 503), readiness 200 while {@code ready}. */
    private Peer serve(String name, java.util.function.Function<String, String> bodyForQuery,
                       java.util.function.BooleanSupplier ready) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/actuator/health/readiness", exchange -> {
            exchange.sendResponseHeaders(ready.getAsBoolean() ? 200 : 503, -1);
            exchange.close();
        });
        server.createContext("/ids", exchange -> {
            String body = bodyForQuery.apply(exchange.getRequestURI().getQuery());
            byte[] bytes = (body == null ? "{\"type\":\"/problems/no-lease\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 503 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return Peer.of(name, "http://127.0.0.1:" + server.getAddress().getPort());
    }
}
