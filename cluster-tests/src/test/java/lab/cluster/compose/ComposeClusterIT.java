package lab.cluster.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.DockerComposeContainer;

/**
 * docker-compose.yml end to end from JUnit: Testcontainers runs the local docker-compose
 * ({@code up --build}), the test waits until every service node and Prometheus answer on their
 * published ports, then runs {@link ComposeSmoke}'s checks (a call per service, every Prometheus
 * target up, kills of one node per service and of kafka-2).
 *
 * <p>It needs a Docker engine with the images the file names (where no registry is reachable,
 * run {@code ../shared/compose-rig/engine-up} and {@code standins docker-compose.yml} first), and
 * it starts the whole cluster, which takes several minutes and gigabytes: so it runs only when
 * asked, with {@code -Dlab.compose.e2e=true}, and skips saying why otherwise. It is not the only
 * check of the compose file: {@code ComposeFileTest} holds it to the topology on every build and
 * {@code scripts/compose-smoke} runs the same checks from the shell.
 */
class ComposeClusterIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theContainerizedClusterComesUpAndSurvivesNodeKills() throws Exception {
        assumeTrue(Boolean.getBoolean("lab.compose.e2e"),
                "the compose end-to-end test starts the whole containerized cluster: run it with -Dlab.compose.e2e=true");
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine is running here");
        Path file = RepositoryLayout.find().root().resolve("docker-compose.yml");
        Topology topology = Topology.load();

        DockerComposeContainer<?> compose = new DockerComposeContainer<>(file.toFile())
                .withBuild(true)
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(20));
        try {
            compose.start();
            List<URI> readiness = new ArrayList<>();
            topology.serviceNodes().forEach(n -> readiness.add(URI.create("http://127.0.0.1:" + n.port() + "/actuator/health/readiness")));
            readiness.add(URI.create("http://127.0.0.1:9090/-/ready"));
            await("every service node ready and Prometheus up").atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(notAnswering(readiness)).isEmpty());

            List<String> failures = new ComposeSmoke(file, line -> System.out.println("[compose-smoke] " + line), node -> kill(file, node)).run();
            assertThat(failures).isEmpty();
        } finally {
            compose.stop();
        }
    }

    /** SIGKILL the container of one compose service of this file (Testcontainers names the project itself). */
    private static void kill(Path file, String service) {
        var docker = DockerClientFactory.instance().client();
        var containers = docker.listContainersCmd()
                .withLabelFilter(java.util.Map.of("com.docker.compose.service", service)).exec().stream()
                .filter(c -> String.valueOf(c.getLabels().get("com.docker.compose.project.config_files")).contains(file.getFileName().toString()))
                .toList();
        assertThat(containers).as("running containers of " + service).isNotEmpty();
        containers.forEach(c -> docker.killContainerCmd(c.getId()).exec());
    }

    private List<URI> notAnswering(List<URI> uris) {
        List<URI> down = new ArrayList<>();
        for (URI uri : uris) {
            try {
                int status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    down.add(uri);
                }
            } catch (Exception e) {
                down.add(uri);
            }
        }
        return down;
    }
}
