package lab.platform.internode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spring Cloud LoadBalancer's health checks and round robin over real HTTP peers whose readiness we switch. */
class HealthCheckedPeersTest {

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(150);

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<HealthCheckedPeers> balancers = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InterNodeClient client = TestPeers.client(meters);

    @AfterEach
    void stop() {
        balancers.forEach(HealthCheckedPeers::close);
        servers.forEach(s -> s.stop(0));
        client.close();
    }

    @Test
    void everyPeerTakesItsTurnFirstWhileAllAreReady() throws IOException {
        HealthCheckedPeers peers = balance(peer("idgen-1", new AtomicInteger(200)), peer("idgen-2", new AtomicInteger(200)));
        await().atMost(Duration.ofSeconds(10)).until(() -> ready("idgen-1") == 1 && ready("idgen-2") == 1);
        assertThat(firstPeers(peers, 6)).containsExactlyInAnyOrder("idgen-1", "idgen-2");
        assertThat(peers.forNextCall()).hasSize(2);
    }

    @Test
    void aPeerThatFailsItsProbeIsTriedOnlyAfterTheReadyOnesAndComesBackWhenItPasses() throws IOException {
        AtomicInteger readiness = new AtomicInteger(200);
        Peer flaky = peer("idgen-1", readiness);
        Peer steady = peer("idgen-2", new AtomicInteger(200));
        HealthCheckedPeers peers = balance(flaky, steady);

        readiness.set(503);
        await().atMost(Duration.ofSeconds(10)).until(() -> peers.readyPeers().equals(Set.of("idgen-2")));
        assertThat(ready("idgen-1")).isZero();
        for (int i = 0; i < 6; i++) {
            assertThat(peers.forNextCall()).as("the unready peer is the last resort, never left out").containsExactly(steady, flaky);
        }

        readiness.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> peers.readyPeers().equals(Set.of("idgen-1", "idgen-2")));
        assertThat(firstPeers(peers, 6)).containsExactlyInAnyOrder("idgen-1", "idgen-2");
    }

    @Test
    void aPeerThatRefusesConnectionsOrAnswersTooLateFailsItsProbe() throws IOException {
        Peer dead = TestPeers.deadPeer("idgen-1");
        Peer slow = peer("idgen-2", new AtomicInteger(200), PROBE_TIMEOUT.multipliedBy(3));
        Peer steady = peer("idgen-3", new AtomicInteger(200));
        HealthCheckedPeers peers = balance(dead, slow, steady);
        await().atMost(Duration.ofSeconds(10)).until(() -> peers.readyPeers().equals(Set.of("idgen-3")));
        assertThat(peers.forNextCall().getFirst()).isEqualTo(steady);
    }

    @Test
    void whenNoPeerPassesTheBalancerChoosesAmongAllOfThem() throws IOException {
        HealthCheckedPeers peers = balance(peer("idgen-1", new AtomicInteger(503)), peer("idgen-2", new AtomicInteger(503)));
        await().atMost(Duration.ofSeconds(10)).until(() -> peers.readyPeers().isEmpty());
        assertThat(firstPeers(peers, 6)).containsExactlyInAnyOrder("idgen-1", "idgen-2");
    }

    @Test
    void probesAloneCloseTheBreakerOfAPeerThatIsBack() throws IOException {
        CircuitBreakerConfig quick = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(2).minimumNumberOfCalls(2)
                .waitDurationInOpenState(Duration.ofMillis(300)).automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(3).build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(java.util.Map.of(InterNodeClient.BREAKER_CONFIG, quick));
        InterNodeClient probing = TestPeers.client(meters, breakers);
        AtomicInteger readiness = new AtomicInteger(503);
        Peer flaky = peer("idgen-1", readiness);
        HealthCheckedPeers peers = new HealthCheckedPeers("id-generator", List.of(flaky), probing, PROBE_INTERVAL, PROBE_TIMEOUT, meters);
        try {
            CircuitBreaker breaker = breakers.circuitBreaker("internode-idgen-1", quick);
            await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
            assertThat(peers.readyPeers()).isEmpty();

            readiness.set(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
            assertThat(peers.readyPeers()).containsExactly("idgen-1");
        } finally {
            peers.close();
            probing.close();
        }
    }

    private HealthCheckedPeers balance(Peer... peers) {
        HealthCheckedPeers balancer = new HealthCheckedPeers("id-generator", List.of(peers), client, PROBE_INTERVAL, PROBE_TIMEOUT, meters);
        balancers.add(balancer);
        return balancer;
    }

    private static Set<String> firstPeers(HealthCheckedPeers peers, int calls) {
        Set<String> first = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            first.add(peers.forNextCall().getFirst().nodeId());
        }
        return first;
    }

    private double ready(String peer) {
        var gauge = meters.find("lab.internode.peer.ready").tags("service", "id-generator", "peer", peer).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private Peer peer(String name, AtomicInteger readinessStatus) throws IOException {
        return peer(name, readinessStatus, Duration.ZERO);
    }

    /** A node whose readiness answers {@code readinessStatus}, after {@code delay}. */
    private Peer peer(String name, AtomicInteger readinessStatus, Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(HealthCheckedPeers.READINESS_PATH, exchange -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(readinessStatus.get(), -1);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return Peer.of(name, "http://127.0.0.1:" + server.getAddress().getPort());
    }
}
