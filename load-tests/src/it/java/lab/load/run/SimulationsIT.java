package lab.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lab.cluster.LocalCluster;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The load tests' own check (issue 13): a short run of every simulation against a small local
 * cluster of the real services completes with zero correctness anomalies. One cluster with two
 * nodes of each built service (three for the KV store, whose quorums need them) and the gateway,
 * then each scenario for a few seconds at a low rate through the same runner as
 * {@code ./cluster load}, the mixed one through the gateway.
 * Scenarios of services not in the topology yet are listed, not run.
 * <p>
 * Minutes of CPU on two cores, so not part of {@code ./mvnw verify}:
 * {@code scripts/load-check} (docs/load-testing.md).
 */
class SimulationsIT {

    /** The topology's service name for each load scenario's service key. */
    private static final Map<String, String> SERVICES = Map.of(
            "ids", "id-generator", "ratelimit", "rate-limiter", "kv", "kv-store", "payments", "payments", "messaging", "message-queue");

    private static final String RATE = System.getProperty("load.check.rate", "10");
    private static final String DURATION = System.getProperty("load.check.duration", "8s");

    private static LocalCluster cluster;
    private static Topology topology;

    @BeforeAll
    static void startSmallCluster() {
        topology = Topology.load();
        List<String> nodes = new ArrayList<>();
        LocalCluster.Builder builder = LocalCluster.builder();
        for (ServiceSpec service : topology.services()) {
            int keep = service.name().equals("kv-store") ? 3 : 2;
            builder.service(service.name());
            service.nodes().stream().limit(keep).forEach(n -> nodes.add(n.name()));
        }
        cluster = builder.nodes(nodes.toArray(String[]::new)).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySimulationRunsWithoutAnAnomaly() {
        Map<String, List<String>> urls = new LinkedHashMap<>();
        SERVICES.forEach((key, service) -> {
            List<String> nodeUrls = cluster.nodeNames().stream()
                    .filter(n -> topology.serviceNode(n).map(s -> topology.serviceOf(s).name().equals(service)).orElse(false))
                    .map(n -> cluster.url(n).toString()).toList();
            if (!nodeUrls.isEmpty()) {
                urls.put(key, nodeUrls);
            }
        });
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario scenario : List.of(Scenario.IDS, Scenario.RATELIMIT, Scenario.KV, Scenario.PAYMENTS, Scenario.MESSAGING, Scenario.MIXED)) {
            if (urls.keySet().containsAll(scenario.services())) {
                // The mixed scenario goes through the gateway when the topology has one, as ./cluster load does.
                List<String> via = scenario == Scenario.MIXED && cluster.nodeNames().contains("gateway")
                        ? List.of("--target", cluster.url("gateway").toString()) : List.of();
                tests.add(DynamicTest.dynamicTest(scenario.cliName + (via.isEmpty() ? "" : " through the gateway"),
                        () -> runClean(scenario, urls, via)));
            } else {
                System.out.println("[load-check] " + scenario.cliName + ": its service is not in the topology yet, not run");
            }
        }
        return tests.stream();
    }

    private static void runClean(Scenario scenario, Map<String, List<String>> urls, List<String> via) {
        List<String> args = new ArrayList<>(List.of(scenario.cliName, "--rate", RATE, "--duration", DURATION,
                "--results", Path.of("target", "gatling-it").toAbsolutePath().toString()));
        args.addAll(via);
        urls.forEach((service, list) -> args.addAll(List.of("--url", service + "=" + String.join(",", list))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new LoadRunner(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(args.toArray(String[]::new));
        String summary = out.toString(StandardCharsets.UTF_8);
        System.out.println(summary.substring(Math.max(0, summary.indexOf("===="))));
        assertThat(status).as(summary).isEqualTo(LoadRunner.OK);
        assertThat(summary).contains("anomalies  none");
    }
}
