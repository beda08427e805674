package lab.cluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.cluster.infra.FreePorts;
import lab.cluster.it.SmallTopology;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.prometheus.PrometheusServer;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code ./cluster} verbs against real processes: the id-generator's nodes and the
 * ZooKeeper they need, on free ports, in a directory of the test's own.
 */
class ClusterCliIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private Topology topology;
    private String lastOut;
    private String lastErr;

    @BeforeEach
    void smallTopology() {
        topology = Topology.parse(SmallTopology.of("id-generator"));
    }

    @AfterEach
    void down() {
        cli("down");
    }

    @Test
    void upStatusKillStartPartitionHealDown() throws Exception {
        assertThat(cli("status")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("no cluster in").contains("./cluster up");
        assertThat(cli("frobnicate")).isEqualTo(ClusterCli.USAGE);

        assertThat(cli("up", "--small")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(lastOut).contains("zookeeper", "idgen-1", "idgen-2", "admin token:", "memory:", "listening:   127.0.0.1 only");

        JsonNode status = statusJson();
        assertThat(status.get("running").asBoolean()).isTrue();
        if (PrometheusServer.findOnPath().isPresent()) {
            assertThat(names(status)).containsExactly("zookeeper", "idgen-1", "idgen-2", "prometheus");
            URI prometheus = URI.create(node(status, "prometheus").get("url").asString());
            // Both nodes scraped successfully: the scrape format suits the installed Prometheus.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(get(prometheus.resolve("/api/v1/query?query=sum(up%7Bjob%3D%22id-generator%22%7D)"), null).body())
                            .contains("\"2\"]"));
        } else {
            assertThat(names(status)).containsExactly("zookeeper", "idgen-1", "idgen-2");
            assertThat(lastOut).contains("prometheus:  not installed (apt-get install prometheus");
        }
        for (JsonNode node : status.get("nodes")) {
            assertThat(node.get("state").asString()).as(node.toString()).isEqualTo("running");
            assertThat(node.get("ready").asBoolean()).as(node.toString()).isTrue();
        }
        URI idgen1 = URI.create(node(status, "idgen-1").get("url").asString());
        URI idgen2 = URI.create(node(status, "idgen-2").get("url").asString());
        // Every node listens on loopback only, as the infrastructure does (the kernel's own table, what ss -ltn shows).
        for (URI node : List.of(idgen1, idgen2)) {
            assertThat(ListeningSockets.addressesOf(node.getPort())).as("listening sockets of " + node).containsExactly("127.0.0.1");
        }
        assertThat(ListeningSockets.addressesOf(topology.infraNode("zookeeper").orElseThrow().port())).containsOnly("127.0.0.1");

        assertThat(cli("token")).isEqualTo(ClusterCli.OK);
        String token = lastOut.strip();
        assertThat(get(idgen1.resolve("/admin/node"), token).statusCode()).isEqualTo(200);
        assertThat(get(idgen1.resolve("/admin/node"), "wrong-token-0123456789").statusCode()).isEqualTo(403);

        // Every node of the cluster got the same cluster secret; its internal API answers that and nothing else.
        assertThat(cli("secret")).isEqualTo(ClusterCli.OK);
        String secret = lastOut.strip();
        for (URI node : List.of(idgen1, idgen2)) {
            assertThat(internalNoop(node, secret).statusCode()).as(node + " with the secret").isEqualTo(200);
            assertThat(internalNoop(node, null).statusCode()).as(node + " without").isEqualTo(401);
            assertThat(internalNoop(node, token).statusCode()).as(node + " with the admin token").isEqualTo(401);
        }

        // kill is a real SIGKILL: the process is gone and its port closes.
        long pid = node(status, "idgen-1").get("pid").asLong();
        Path dataDir = Path.of(node(status, "idgen-1").get("log").asString()).getParent();
        Files.writeString(dataDir.resolve("marker"), "written before the kill");
        assertThat(cli("kill", "idgen-1")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(lastOut).contains("SIGKILL").contains(Long.toString(pid));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(java.util.Optional.empty(), java.util.Optional.of(false));
        assertThat(FreePorts.isListening(idgen1.getPort())).isFalse();
        assertThat(node(statusJson(), "idgen-1").get("state").asString()).isEqualTo("stopped");
        assertThat(cli("kill", "idgen-1")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("idgen-1 is not running");

        // start brings it back on the same data directory.
        assertThat(cli("start", "idgen-1")).as(lastErr).isEqualTo(ClusterCli.OK);
        long newPid = node(statusJson(), "idgen-1").get("pid").asLong();
        assertThat(newPid).isNotEqualTo(pid);
        assertThat(dataDir.resolve("marker")).hasContent("written before the kill");
        assertThat(Files.readString(Path.of("/proc", Long.toString(newPid), "environ")))
                .contains("DATA_DIR=" + dataDir + "\0");
        assertThat(get(idgen1.resolve("/actuator/health/readiness"), null).statusCode()).isEqualTo(200);

        // An unknown node is a clear error with the list of nodes.
        assertThat(cli("kill", "idgen-9")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("unknown node 'idgen-9'").contains("idgen-1, idgen-2");
        assertThat(cli("partition", "idgen-1", "zookeeper")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("no fault API");

        // partition: each side drops the other's traffic, as the nodes themselves report and enforce.
        assertThat(cli("partition", "idgen-1", "idgen-2")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(JSON.readTree(get(idgen1.resolve("/admin/faults"), token).body()).get("dropPeers").toString()).isEqualTo("[\"idgen-2\"]");
        assertThat(JSON.readTree(get(idgen2.resolve("/admin/faults"), token).body()).get("dropPeers").toString()).isEqualTo("[\"idgen-1\"]");
        assertThat(fromPeer(idgen1, "idgen-2").statusCode()).isEqualTo(503);
        assertThat(fromPeer(idgen2, "idgen-1").statusCode()).isEqualTo(503);
        assertThat(cli("heal")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(fromPeer(idgen1, "idgen-2").statusCode()).isNotEqualTo(503);
        assertThat(JSON.readTree(get(idgen2.resolve("/admin/faults"), token).body()).get("dropPeers").toString()).isEqualTo("[]");

        // infrastructure nodes are killed and started the same way.
        int zookeeperPort = topology.infraNode("zookeeper").orElseThrow().port();
        assertThat(cli("kill", "zookeeper")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(FreePorts.isListening(zookeeperPort)).isFalse();
        assertThat(cli("start", "zookeeper")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(FreePorts.isListening(zookeeperPort)).isTrue();

        assertThat(cli("logs", "idgen-1", "-n", "50")).isEqualTo(ClusterCli.OK);
        assertThat(lastOut).contains("[idgen-1]");

        // down stops every process and keeps the data; up starts the same cluster again.
        List<Long> pids = new ArrayList<>();
        statusJson().get("nodes").forEach(n -> pids.add(n.get("pid").asLong()));
        assertThat(cli("down")).isEqualTo(ClusterCli.OK);
        for (long each : pids) {
            assertThat(ProcessHandle.of(each).map(ProcessHandle::isAlive).orElse(false)).as("pid " + each).isFalse();
        }
        assertThat(cli("status")).isEqualTo(ClusterCli.NOT_RUNNING);
        assertThat(cli("token")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("not running");
        assertThat(cli("up", "--bind", "192.0.2.1")).isEqualTo(ClusterCli.FAILED);
        assertThat(lastErr).contains("--bind takes 127.0.0.1").contains("0.0.0.0");
        assertThat(cli("up", "--bind", "0.0.0.0")).as(lastErr).isEqualTo(ClusterCli.OK);
        assertThat(cli("status")).isEqualTo(ClusterCli.OK);
        assertThat(ListeningSockets.addressesOf(idgen1.getPort())).as("asked for every interface").containsExactly("*");
        assertThat(dataDir.resolve("marker")).exists();
        assertThat(cli("token")).isEqualTo(ClusterCli.OK);
        assertThat(lastOut.strip()).isEqualTo(token);

        assertThat(cli("down", "--wipe")).isEqualTo(ClusterCli.OK);
        assertThat(dir.resolve(".cluster")).doesNotExist();
    }

    private int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClusterCli cli = new ClusterCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ClusterHome(dir.resolve(".cluster")), topology, RepositoryLayout.find());
        int code = cli.run(args);
        lastOut = out.toString(StandardCharsets.UTF_8);
        lastErr = err.toString(StandardCharsets.UTF_8);
        return code;
    }

    private JsonNode statusJson() {
        int code = cli("status", "--json");
        assertThat(code).as(lastErr).isIn(ClusterCli.OK, ClusterCli.NOT_RUNNING);
        return JSON.readTree(lastOut);
    }

    private static List<String> names(JsonNode status) {
        List<String> names = new ArrayList<>();
        status.get("nodes").forEach(n -> names.add(n.get("name").asString()));
        return names;
    }

    private static JsonNode node(JsonNode status, String name) {
        for (JsonNode node : status.get("nodes")) {
            if (node.get("name").asString().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name + " in " + status);
    }

    private HttpResponse<String> internalNoop(URI node, String clusterSecret) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve("/internal/noop")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (clusterSecret != null) {
            request.header("X-Lab-Cluster-Secret", clusterSecret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request as a peer node sends it; a partitioned node holds it for the deadline, then answers 503. */
    private HttpResponse<String> fromPeer(URI node, String peer) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(node.resolve("/partition-probe"))
                .timeout(Duration.ofSeconds(10))
                .header("X-Lab-From-Node", peer)
                .header("X-Lab-Deadline-Millis", "200")
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
