package lab.platform.internode;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import lab.platform.faults.FaultMetrics;
import lab.platform.faults.FaultRegistry;
import lab.platform.identity.NodeIdentity;
import lab.platform.security.ClusterCredential;

/** The kit's inter-node client as plain Java, and peers that refuse connections, for tests against real sockets. */
public final class TestPeers {

    private TestPeers() {
    }

    /** A client of node {@code payments-1}: one-second connect timeout, two attempts, no tracing. */
    public static InterNodeClient client(MeterRegistry meters) {
        return client(meters, CircuitBreakerRegistry.ofDefaults());
    }

    /** The same client with the given breakers (per peer: {@code internode-<peer>}). */
    public static InterNodeClient client(MeterRegistry meters, CircuitBreakerRegistry breakers) {
        NodeIdentity self = new NodeIdentity("payments-1", "test");
        FaultRegistry faults = new FaultRegistry(self, RandomGenerator.getDefault(), List.of());
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).executor(executor).build();
        return new InterNodeClient(self, ClusterCredential.configuredOrGenerated(null), http, executor, faults, new FaultMetrics(meters, faults), breakers,
                new RetryPolicy(2, 5, 2.0, 0.5), meters, TracePropagation.NONE);
    }

    /** A port that was free a moment ago and has no listener: connections are refused. */
    public static Peer deadPeer(String name) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return Peer.of(name, "http://127.0.0.1:" + port);
    }
}
