package lab.kvstore.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import lab.kvstore.handoff.HintBounds;
import lab.kvstore.handoff.RocksDbHintStore;
import lab.kvstore.handoff.SloppyQuorum;
import lab.kvstore.membership.PeerHealth;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.ring.Membership;
import lab.kvstore.storage.InMemoryStorage;
import lab.kvstore.version.CausalContext;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import lab.platform.internode.RetryPolicy;
import lab.platform.internode.TracePropagation;
import lab.platform.security.ClusterCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write's replica calls are in flight at the same time, over real HTTP through the production
 * pieces (coordinator, sloppy quorum, HTTP transport, the platform's inter-node client). The two
 * peers each hold their answer until both calls have arrived: a coordinator that waited for one
 * call before sending the next would never see the first answer before its deadline.
 */
class ParallelReplicationTest {

    private static final long HOLD_MILLIS = 10_000;

    private final List<HttpServer> peers = new ArrayList<>();
    private final CountDownLatch bothArrived = new CountDownLatch(2);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private InterNodeClient client;
    private RocksDbHintStore hints;

    @TempDir
    Path dataDir;

    @AfterEach
    void stop() {
        peers.forEach(peer -> peer.stop(0));
        if (client != null) {
            client.close();
        }
        if (hints != null) {
            hints.close();
        }
    }

    /** A replica that answers a join only once the other replica's call has arrived too (or after HOLD_MILLIS). */
    private Peer heldPeer(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/internal/kv/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                bothArrived.countDown();
                boolean both = bothArrived.await(HOLD_MILLIS, TimeUnit.MILLISECONDS);
                inFlight.decrementAndGet();
                exchange.sendResponseHeaders(both ? 204 : 504, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        peers.add(server);
        return Peer.of(name, "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aWriteSendsToEveryReplicaBeforeWaitingForAny() throws Exception {
        List<Peer> seeds = List.of(Peer.of("kv-1", "http://127.0.0.1:1"), heldPeer("kv-2"), heldPeer("kv-3"));
        Membership membership = new Membership("kv-1", seeds, 8, 8, 3);
        NodeIdentity self = new NodeIdentity("kv-1", "kv-store");
        FaultRegistry faults = new FaultRegistry(self, RandomGenerator.getDefault(), List.of());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        client = new InterNodeClient(self, ClusterCredential.configuredOrGenerated(null), java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
                .executor(executor).build(), executor, faults, new FaultMetrics(meters, faults), CircuitBreakerRegistry.ofDefaults(),
                RetryPolicy.defaults(), meters, TracePropagation.NONE);
        ReplicaTransport transport = new HttpReplicaTransport(client, membership, response -> new IllegalStateException(response.bodyAsString()));
        Replica local = new Replica("kv-1", new InMemoryStorage(), Clock.systemUTC(), 16, KvMetrics.NONE);
        hints = new RocksDbHintStore(dataDir.resolve("hints"), new HintBounds(1000, 1 << 20, 60_000), System::currentTimeMillis);
        Coordinator coordinator = new Coordinator("kv-1", membership::view, local, transport, KvMetrics.NONE,
                new SloppyQuorum(transport, PeerHealth.ALWAYS_UP, hints, KvMetrics.NONE, NodeRuntime.SYSTEM),
                new ReadRepair("kv-1", local, transport, KvMetrics.NONE, true, NodeRuntime.SYSTEM), ReadFanOut.all(),
                NodeRuntime.SYSTEM);

        WriteResult result = coordinator.write(WriteCommand.put("cart:42", "milk".getBytes(StandardCharsets.UTF_8), "text/plain",
                CausalContext.EMPTY, 3), HOLD_MILLIS / 2);

        assertThat(result.acks()).isEqualTo(3);
        assertThat(mostInFlight.get()).as("both replica calls were in flight at once").isEqualTo(2);
    }
}
