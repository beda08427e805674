package lab.platform.internode;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fail-over across real HTTP peers: one refuses connections or answers 503, another serves. */
class AnyPeerTest {

    private final List<HttpServer> servers = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InterNodeClient client = TestPeers.client(meters);

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
        client.close();
    }

    @Test
    void aPeerThatRefusesConnectionsIsSkippedEvenForANonIdempotentCall() throws IOException {
        AnyPeer any = new AnyPeer(client, List.of(TestPeers.deadPeer("idgen-1"), servingPeer("idgen-2", 200)), meters);
        for (int i = 0; i < 4; i++) {
            InterNodeResponse answer = any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.post(peer, "/ids", left));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bodyAsString()).isEqualTo("idgen-2");
        }
        assertThat(meters.counter("lab.internode.failovers", "peer", "idgen-1").count()).isEqualTo(2);
    }

    @Test
    void a503MovesAnIdempotentCallOnButIsTheAnswerOfAnotherCall() throws IOException {
        Peer busy = servingPeer("idgen-1", 503);
        Peer ok = servingPeer("idgen-2", 200);
        AnyPeer any = new AnyPeer(client, List.of(busy, ok), meters);
        InterNodeResponse idempotent = any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.post(peer, "/ids", left).idempotent());
        assertThat(idempotent.status()).isEqualTo(200);
        // The next call starts at idgen-2 (round robin); the one after starts at the busy peer again.
        any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.post(peer, "/ids", left));
        InterNodeResponse notIdempotent = any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.post(peer, "/ids", left));
        assertThat(notIdempotent.status()).isEqualTo(503);
        assertThat(notIdempotent.bodyAsString()).isEqualTo("idgen-1");
    }

    @Test
    void callsAreSharedWhileAllPeersServe() throws IOException {
        AnyPeer any = new AnyPeer(client, List.of(servingPeer("idgen-1", 200), servingPeer("idgen-2", 200)), meters);
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            answeredBy.add(any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.get(peer, "/ids", left)).bodyAsString());
        }
        assertThat(answeredBy).containsExactlyInAnyOrder("idgen-1", "idgen-2");
    }

    @Test
    void noPeerLeftIsTheLastFailure() throws IOException {
        AnyPeer any = new AnyPeer(client, List.of(TestPeers.deadPeer("idgen-1"), TestPeers.deadPeer("idgen-2")), meters);
        assertThatThrownBy(() -> any.send(Duration.ofSeconds(2), (peer, left) -> InterNodeRequest.get(peer, "/ids", left)))
                .isInstanceOfSatisfying(InterNodeException.class,
                        e -> assertThat(e.failure()).isEqualTo(InterNodeException.Failure.CONNECT_FAILED));
    }

    private Peer servingPeer(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return Peer.of(name, "http://127.0.0.1:" + server.getAddress().getPort());
    }
}
