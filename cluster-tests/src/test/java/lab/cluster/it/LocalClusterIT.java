package lab.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.cluster.LocalCluster;
import lab.cluster.infra.FreePorts;
import lab.cluster.topology.TopologyException;
import org.junit.jupiter.api.Test;

/** The launcher's Java API, as every service's multi-node tests use it. */
class LocalClusterIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startsKillsRestartsAndPartitionsRealNodes() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.builder().service("id-generator").start()) {
            assertThat(cluster.nodeNames()).containsExactly("zookeeper", "idgen-1", "idgen-2");
            URI idgen1 = cluster.url("idgen-1");
            URI idgen2 = cluster.url("idgen-2");
            assertThat(status(idgen1.resolve("/actuator/health/readiness"), null, null)).isEqualTo(200);
            cluster.nodeNames().forEach(name -> pids.add(cluster.node(name).pid().orElseThrow()));

            long pid = cluster.node("idgen-1").pid().orElseThrow();
            cluster.kill("idgen-1");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(FreePorts.isListening(idgen1.getPort())).isFalse();
            cluster.start("idgen-1");
            assertThat(cluster.node("idgen-1").pid().orElseThrow()).isNotEqualTo(pid);
            assertThat(status(idgen1.resolve("/actuator/health/readiness"), null, null)).isEqualTo(200);
            pids.add(cluster.node("idgen-1").pid().orElseThrow());

            cluster.partition("idgen-1", "idgen-2");
            assertThat(status(idgen1.resolve("/partition-probe"), "idgen-2", null)).isEqualTo(503);
            assertThat(status(idgen2.resolve("/partition-probe"), "idgen-1", null)).isEqualTo(503);
            assertThat(status(idgen1.resolve("/admin/faults"), null, cluster.adminToken())).isEqualTo(200);
            cluster.heal();
            assertThat(status(idgen1.resolve("/partition-probe"), "idgen-2", null)).isEqualTo(404);

            assertThatThrownBy(() -> cluster.kill("redis")).isInstanceOf(TopologyException.class)
                    .hasMessageContaining("'redis' is not part of this cluster run");
            assertThatThrownBy(() -> cluster.kill("nope")).isInstanceOf(TopologyException.class)
                    .hasMessageContaining("unknown node 'nope'");
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid + " after close").isFalse();
        }
    }

    @Test
    void startsANodeWithSettingsForOneStartAndZooKeeperWithTheGivenTick() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().service("id-generator").nodes("idgen-1")
                .zookeeperTickTime(Duration.ofMillis(500)).readyTimeout(Duration.ofSeconds(240)).start()) {
            // ZooKeeper grants sessions of 2..20 ticks: 1 to 10 s with a 500 ms tick.
            assertThat(cluster.infrastructure().zookeeper().fourLetterWord("conf"))
                    .contains("tickTime=500").contains("minSessionTimeout=1000").contains("maxSessionTimeout=10000");
            URI lease = cluster.url("idgen-1").resolve("/admin/lease");
            assertThat(body(lease, cluster.adminToken())).contains("\"offsetMillis\":0");

            cluster.kill("idgen-1");
            cluster.start("idgen-1", Map.of("IDGEN_CLOCK_OFFSET_MILLIS", "-3000"));
            assertThat(environ(cluster.node("idgen-1").pid().orElseThrow())).contains("IDGEN_CLOCK_OFFSET_MILLIS=-3000");
            assertThat(body(lease, cluster.adminToken())).as("in force from the start").contains("\"offsetMillis\":-3000");

            cluster.kill("idgen-1");
            cluster.start("idgen-1");
            assertThat(environ(cluster.node("idgen-1").pid().orElseThrow())).doesNotContain("IDGEN_CLOCK_OFFSET_MILLIS=-3000");
            assertThat(body(lease, cluster.adminToken())).as("for that start only").contains("\"offsetMillis\":0");

            assertThatThrownBy(() -> cluster.start("zookeeper", Map.of("A", "b"))).isInstanceOf(TopologyException.class)
                    .hasMessageContaining("zookeeper is infrastructure");
        }
    }

    private String body(URI uri, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The environment the process was started with, one variable per line. */
    private static String environ(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "environ")).replace('\0', '\n');
    }

    @Test
    void anUnknownServiceOrNodeFailsBeforeAnythingStarts() {
        assertThatThrownBy(() -> LocalCluster.builder().service("nope").start())
                .isInstanceOf(TopologyException.class).hasMessageContaining("no service 'nope'");
        assertThatThrownBy(() -> LocalCluster.builder().nodes("idgen-7").start())
                .isInstanceOf(TopologyException.class).hasMessageContaining("unknown service node 'idgen-7'");
    }

    private int status(URI uri, String fromPeer, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (fromPeer != null) {
            request.header("X-Lab-From-Node", fromPeer).header("X-Lab-Deadline-Millis", "200");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
