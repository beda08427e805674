package lab.cluster.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lab.cluster.LocalCluster;
import lab.cluster.infra.FreePorts;
import lab.cluster.infra.Lifetime;
import lab.cluster.node.ServiceNode;
import lab.cluster.prometheus.PrometheusServer;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression of every dashboard and alert rule, against a live system: every
 * service of the topology as real node processes (LocalCluster), a real Prometheus (the Debian
 * package) loaded with {@code prometheus/rules/}, and the background load of {@code ./cluster up --load}
 * and the compose load profile: the load-tests runner's {@code background} scenario (the Gatling
 * day-in-the-life simulation) through the gateway.
 *
 * <ol>
 *   <li>Healthy, under load: every panel query returns data. Rare-condition panels (5xx, retries,
 *       open breakers, ...) must answer 0 here, not "No data".</li>
 *   <li>After a kill drill (the last started node of every multi-node service): every panel query still
 *       returns data, every metric name a panel or rule reads exists, every rule evaluates without
 *       error, and NodeDown fires for each killed node.</li>
 * </ol>
 */
class DashboardQueriesIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int NODES_PER_SERVICE = 3;

    private final ObservabilityFiles files = ObservabilityFiles.ofRepository();

    @Test
    void everyPanelAndAlertRuleQueryReturnsDataFromALiveCluster() throws Exception {
        Optional<Path> binary = PrometheusServer.findOnPath();
        assumeTrue(binary.isPresent(), "no prometheus on the PATH: apt-get install prometheus (.ci/run does) to check dashboards live");
        Topology topology = Topology.load();
        List<ObservabilityFiles.Query> panels = files.dashboardQueries();
        List<ObservabilityFiles.Rule> rules = files.rules();
        assertThat(panels).isNotEmpty();
        assertThat(rules).isNotEmpty();

        // At most three nodes per service: every panel has several nodes to show, and the run stays short.
        List<String> chosen = topology.services().stream()
                .flatMap(s -> s.nodes().stream().limit(NODES_PER_SERVICE).map(ServiceNodeSpec::name)).toList();
        LocalCluster.Builder builder = LocalCluster.builder().nodes(chosen.toArray(String[]::new));
        try (LocalCluster cluster = builder.start()) {
            List<ServiceNode> nodes = chosen.stream().map(cluster::serviceNode).toList();
            PrometheusServer prometheus = new PrometheusServer(binary.get(), FreePorts.pick(), nodes, files.rulesDir(),
                    cluster.dataRoot().resolve("prometheus"), Lifetime.BOUND_TO_JVM);
            Process load = null;
            try {
                prometheus.startAndAwaitReady(Duration.ofSeconds(60));
                LivePrometheus live = new LivePrometheus(prometheus.url());
                load = backgroundLoad(cluster.url("gateway"));

                await("every node scraped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(() -> assertThat(live.values("sum(up)")).containsExactly((double) nodes.size()));
                await("every panel answers, healthy cluster under load").atMost(SETTLE).pollInterval(Duration.ofSeconds(3))
                        .untilAsserted(() -> assertThat(live.queriesWithoutData(panels)).isEmpty());

                List<String> killed = topology.services().stream().filter(s -> s.nodes().size() > 1)
                        .map(s -> chosen.stream().filter(n -> s.nodes().stream().anyMatch(sn -> sn.name().equals(n))).toList().getLast())
                        .toList();
                killed.forEach(cluster::kill);

                await("NodeDown fires for every killed node").atMost(SETTLE).pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(() -> assertThat(live.firing("NodeDown")).containsAll(killed));
                await("every panel answers after the kill drill").atMost(SETTLE).pollInterval(Duration.ofSeconds(3))
                        .untilAsserted(() -> assertThat(live.queriesWithoutData(panels)).isEmpty());
                await("every metric name a panel or rule reads exists").atMost(SETTLE).pollInterval(Duration.ofSeconds(3))
                        .untilAsserted(() -> assertThat(live.missingMetricNames(panels, rules)).isEmpty());
                await("every rule evaluated without error").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(() -> assertThat(live.unhealthyRules(rules)).isEmpty());
            } finally {
                if (load != null) {
                    stop(load);
                }
                prometheus.stop();
            }
        }
    }

    /**
     * The load-tests runner ({@code load-tests/target/load-tests.jar}, built before this module) with
     * the {@code background} scenario at its default rate through the gateway, as {@code ./cluster up --load}
     * runs it and the compose {@code load} service: the dashboards are checked under the load users see them with.
     */
    private Process backgroundLoad(URI gateway) throws IOException {
        Path jar = files.root().resolve("load-tests/target/load-tests.jar");
        assertThat(jar).as("the load-tests runner; ./mvnw -pl cluster-tests -am builds it").isRegularFile();
        Path target = files.root().resolve("cluster-tests/target");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "background", "--target", gateway.toString(),
                "--results", target.resolve("background-load").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(target.resolve("background-load.log").toFile()));
        return pb.start();
    }

    /** SIGTERM first, so Gatling stops its injection and writes what it has; then no survivor. */
    private static void stop(Process load) throws InterruptedException {
        load.destroy();
        if (!load.waitFor(30, TimeUnit.SECONDS)) {
            load.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
