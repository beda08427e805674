package lab.platform.internode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.random.RandomGenerator;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.identity.NodeIdentity;
import lab.platform.security.ClusterCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP peer whose answers the test scripts. */
class InterNodeClientTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private volatile IntUnaryOperator statusForRequest = n -> 200;
    private volatile long delayMillis;
    private SimpleMeterRegistry meters;
    private FaultRegistry faults;
    private InterNodeClient client;
    private Peer peer;
    private final ClusterCredential credential = ClusterCredential.configuredOrGenerated("test-cluster-secret-0123456789");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        peer = Peer.of("peer-a", "http://127.0.0.1:" + server.getAddress().getPort());
        client = client(new RetryPolicy(3, 10, 2.0, 0.5), CircuitBreakerRegistry.ofDefaults());
    }

    private InterNodeClient client(RetryPolicy retryPolicy, CircuitBreakerRegistry breakers) {
        meters = new SimpleMeterRegistry();
        NodeIdentity self = new NodeIdentity("caller-1", "test");
        faults = new FaultRegistry(self, RandomGenerator.getDefault(), List.of());
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).executor(executor).build();
        return new InterNodeClient(self, credential, http, executor, faults, new FaultMetrics(meters, faults), breakers,
                retryPolicy, meters, TracePropagation.NONE);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int n = requests.incrementAndGet();
        exchange.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), v.getFirst()));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = ("answer " + n).getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(statusForRequest.applyAsInt(n), body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException clientGone) {
            // The caller gave up at its deadline; nothing to answer.
        } finally {
            exchange.close();
        }
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private double count(String name, String outcome) {
        var timer = meters.find(name).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void callCarriesCallerAndDeadline() {
        InterNodeResponse response = client.send(InterNodeRequest.get(peer, "/x", Duration.ofMillis(2000)));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("answer 1");
        assertThat(lastHeaders.get("x-lab-from-node")).isEqualTo("caller-1");
        assertThat(Long.parseLong(lastHeaders.get("x-lab-deadline-millis"))).isBetween(1L, 2000L);
        assertThat(count("lab.internode.requests", "2xx")).isEqualTo(1);
    }

    @Test
    void callCarriesTheClusterSecretAndTheCallerCannotReplaceIt() {
        client.send(InterNodeRequest.get(peer, "/internal/x", Duration.ofMillis(2000))
                .header(ClusterCredential.HEADER, "forged-by-a-caller-0123456789"));
        assertThat(lastHeaders.get("x-lab-cluster-secret")).isEqualTo("test-cluster-secret-0123456789");
    }

    @Test
    void slowPeerTimesOutAtTheDeadline() {
        delayMillis = 3000;
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(InterNodeRequest.get(peer, "/slow", Duration.ofMillis(200))))
                .isInstanceOfSatisfying(InterNodeException.class, e -> {
                    assertThat(e.failure()).isEqualTo(InterNodeException.Failure.TIMEOUT);
                    assertThat(e.peer()).isEqualTo(peer);
                });
        // The peer answers after 3 s; the caller must have given up long before.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(count("lab.internode.requests", "timeout")).isEqualTo(1);
    }

    @Test
    void idempotentCallIsRetriedOnUnavailable() {
        statusForRequest = n -> n < 3 ? 503 : 200;
        InterNodeResponse response = client.send(InterNodeRequest.get(peer, "/flaky", Duration.ofSeconds(5)));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.attempts()).isEqualTo(3);
        assertThat(requests.get()).isEqualTo(3);
        assertThat(meters.find("lab.internode.retries").counter().count()).isEqualTo(2);
    }

    @Test
    void plainPostIsNeverRetried() {
        statusForRequest = n -> 503;
        InterNodeResponse response = client.send(InterNodeRequest.post(peer, "/charge", Duration.ofSeconds(5))
                .body("{}".getBytes(), "application/json"));
        assertThat(response.status()).isEqualTo(503);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void postMarkedIdempotentIsRetried() {
        statusForRequest = n -> n == 1 ? 502 : 201;
        InterNodeResponse response = client.send(InterNodeRequest.post(peer, "/charge", Duration.ofSeconds(5))
                .header("Idempotency-Key", "k-1").idempotent());
        assertThat(response.status()).isEqualTo(201);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void retriesStopAtTheDeadline() {
        client.close();
        client = client(new RetryPolicy(10, 300, 2.0, 0.0), CircuitBreakerRegistry.ofDefaults());
        statusForRequest = n -> 503;
        InterNodeResponse response = client.send(InterNodeRequest.get(peer, "/down", Duration.ofMillis(500)));
        // One attempt, a 300 ms backoff, a second attempt; a third would start after the deadline.
        assertThat(response.status()).isEqualTo(503);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Peer gone = Peer.of("peer-gone", "http://127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> client.send(InterNodeRequest.get(gone, "/x", Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(InterNodeException.class, e -> {
                    assertThat(e.failure()).isEqualTo(InterNodeException.Failure.CONNECT_FAILED);
                    assertThat(e.attempts()).isEqualTo(3);
                });
    }

    @Test
    void breakerOpensAfterFailuresAndThenRefusesWithoutCalling() {
        client.close();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofHours(1)).build());
        client = client(new RetryPolicy(1, 10, 2.0, 0.5), breakers);
        statusForRequest = n -> 500;
        for (int i = 0; i < 4; i++) {
            assertThat(client.send(InterNodeRequest.get(peer, "/x", Duration.ofSeconds(2))).status()).isEqualTo(500);
        }
        assertThat(breakers.circuitBreaker("internode-peer-a").getState().name()).isEqualTo("OPEN");
        assertThatThrownBy(() -> client.send(InterNodeRequest.get(peer, "/x", Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(InterNodeException.class,
                        e -> assertThat(e.failure()).isEqualTo(InterNodeException.Failure.CIRCUIT_OPEN));
        assertThat(requests.get()).isEqualTo(4);
        assertThat(count("lab.internode.requests", "circuit-open")).isEqualTo(1);
    }

    @Test
    void droppedPeerIsNeverReachedAndTimesOut() {
        faults.dropPeers(List.of("peer-a"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(InterNodeRequest.get(peer, "/x", Duration.ofMillis(250))))
                .isInstanceOfSatisfying(InterNodeException.class,
                        e -> assertThat(e.failure()).isEqualTo(InterNodeException.Failure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(requests.get()).isZero();
        assertThat(meters.find("lab.faults.injected").tag("kind", "drop-peers").counter().count()).isEqualTo(1);
    }

    @Test
    void aCallWithoutATimeoutCannotBeBuilt() {
        assertThatThrownBy(() -> InterNodeRequest.get(peer, "/x", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InterNodeRequest.get(peer, "/x", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void peerListsParseFromConfiguration() {
        assertThat(Peer.parseList("kv-1=http://127.0.0.1:8301, kv-2=http://kv-2:8080"))
                .containsExactly(Peer.of("kv-1", "http://127.0.0.1:8301"), Peer.of("kv-2", "http://kv-2:8080"));
        assertThatThrownBy(() -> Peer.parseList("kv-1")).hasMessageContaining("name=http");
    }
}
