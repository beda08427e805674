package lab.idgen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import lab.idgen.IdGeneratorApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A generator whose ZooKeeper is unreachable is alive (restarting it would not bring ZooKeeper
 * back) and not ready (it holds no worker lease, so it must not get traffic).
 */
@SpringBootTest(classes = IdGeneratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lab.node.id=idgen-9", "idgen.zookeeper.connection-timeout=500ms"})
class ProbesWithoutZooKeeperIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void unreachableZooKeeper(DynamicPropertyRegistry registry) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path dir = Files.createDirectories(Path.of("target", "idgen-probes-it")).toAbsolutePath();
        Path data = Files.createTempDirectory(dir, "data-");
        registry.add("idgen.zookeeper.connect", () -> "127.0.0.1:" + closedPort);
        registry.add("idgen.data-dir", data::toString);
    }

    private int status(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void liveButNotReadyWhileZooKeeperIsAway() throws Exception {
        // Both answers hold for as long as ZooKeeper stays away; a few seconds of it rule out a start-up blip.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(status("/actuator/health/liveness")).as("liveness").isEqualTo(200);
            assertThat(status("/actuator/health/readiness")).as("readiness").isEqualTo(503);
        });
        assertThat(status("/actuator/health")).as("the whole health names the missing lease").isEqualTo(503);
    }
}
