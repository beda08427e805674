package lab.cluster.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.topology.Addresses;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml and prometheus/prometheus.yml agree with the topology node by node: the same
 * names, host ports and settings as the local cluster, only addresses differ. The committed files
 * must also be exactly what {@link ComposeFile} renders, so nobody edits them by hand and drifts;
 * {@code -Dlab.compose.write=true} rewrites them instead of failing.
 */
class ComposeFileTest {

    private static final boolean WRITE = Boolean.getBoolean("lab.compose.write");
    /** Compose services that are not nodes of the topology. */
    private static final Set<String> NOT_IN_TOPOLOGY = Set.of("grafana", "load");

    private static Path root;
    private static Topology topology;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void readFiles() throws IOException {
        root = RepositoryLayout.find().root();
        topology = Topology.load();
        ComposeFile compose = new ComposeFile(topology);
        if (WRITE) {
            Files.writeString(root.resolve("docker-compose.yml"), compose.render());
            Files.writeString(root.resolve("prometheus/prometheus.yml"), compose.renderPrometheus());
        }
        services = cast(yaml(root.resolve("docker-compose.yml")).get("services"));
    }

    @Test
    void committedFilesAreWhatTheGeneratorRendersFromTheTopology() throws IOException {
        ComposeFile compose = new ComposeFile(topology);
        String regenerate = " differs from the topology's rendering: regenerate it with "
                + "./mvnw -q -pl local-cluster test -Dtest=ComposeFileTest -Dlab.compose.write=true";
        assertThat(Files.readString(root.resolve("docker-compose.yml"))).as("docker-compose.yml" + regenerate)
                .isEqualTo(compose.render());
        assertThat(Files.readString(root.resolve("prometheus/prometheus.yml"))).as("prometheus/prometheus.yml" + regenerate)
                .isEqualTo(compose.renderPrometheus());
    }

    @Test
    void everyNodeOfTheTopologyIsAServiceOfItsOwnAndNothingElseIs() {
        Set<String> expected = new LinkedHashSet<>(topology.nodeNames());
        expected.addAll(NOT_IN_TOPOLOGY);
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void serviceNodesHaveTheirHostPortAndTheTopologySettingsWithComposeAddresses() {
        NodeSettings settings = new NodeSettings(topology, Addresses.compose(), Set.copyOf(topology.nodeNames()));
        for (ServiceSpec spec : topology.services()) {
            for (ServiceNodeSpec node : spec.nodes()) {
                Map<String, Object> service = services.get(node.name());
                assertThat(strings(service.get("ports"))).as(node.name() + " ports")
                        .containsExactly("127.0.0.1:" + node.port() + ":8080");
                Map<String, Object> build = cast(service.get("build"));
                assertThat(map(build.get("args"))).as(node.name() + " image module").containsEntry("MODULE", spec.module());

                Map<String, String> env = stringMap(service.get("environment"));
                Map<String, String> topologyEnv = settings.declaredEnvironment(node);
                assertThat(env).as(node.name() + " environment").containsAllEntriesOf(topologyEnv);
                assertThat(env.get("NODE_ID")).isEqualTo(node.name());
                assertThat(env).as(node.name() + ": 8080 inside the container").doesNotContainKey("SERVER_PORT");
                assertThat(env).containsEntry("DATA_DIR", "/data").containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
                assertThat(env.get("ADMIN_TOKEN")).as(node.name() + " admin token from .env")
                        .isEqualTo("${ADMIN_TOKEN:-" + ComposeFile.DEV_ADMIN_TOKEN + "}");
                assertThat(env.get("CLUSTER_SECRET")).as(node.name() + " cluster secret from .env, the same on every node")
                        .isEqualTo("${CLUSTER_SECRET:-" + ComposeFile.DEV_CLUSTER_SECRET + "}");
                Set<String> extra = new LinkedHashSet<>(env.keySet());
                extra.removeAll(topologyEnv.keySet());
                assertThat(extra).as(node.name() + ": settings beyond the topology's are the container's own")
                        .containsExactlyInAnyOrder("ADMIN_TOKEN", "CLUSTER_SECRET", "DATA_DIR", "LOGGING_STRUCTURED_FORMAT_CONSOLE", "JAVA_OPTS");

                assertThat(strings(service.get("volumes"))).containsExactly(node.name() + "-data:/data");
                assertThat(service).containsKey("healthcheck");
                assertHeapFromContainerLimit(node.name(), spec.heapMb(), env.get("JAVA_OPTS"), service.get("mem_limit"));
            }
        }
    }

    /** The heap the JVM will take (MaxRAMPercentage of the container limit) is the topology's heap. */
    private static void assertHeapFromContainerLimit(String node, int heapMb, String javaOptions, Object memLimit) {
        assertThat(javaOptions).as(node + " JAVA_OPTS")
                .contains("--enable-native-access=ALL-UNNAMED")
                .doesNotContain("-Xmx");
        Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(javaOptions);
        assertThat(percent.find()).as(node + " sizes its heap from the container limit").isTrue();
        Matcher limit = Pattern.compile("([0-9]+)m").matcher(String.valueOf(memLimit));
        assertThat(limit.matches()).as(node + " mem_limit " + memLimit).isTrue();
        double heap = Integer.parseInt(limit.group(1)) * Double.parseDouble(percent.group(1)) / 100;
        assertThat(heap).as(node + " heap in MiB").isBetween(heapMb - 2.0, heapMb + 0.0);
    }

    @Test
    void infrastructureNodesPublishTheirTopologyPorts() {
        Map<InfraKind, Integer> containerPort = Map.of(InfraKind.POSTGRES, 5432, InfraKind.REDIS, 6379,
                InfraKind.ZOOKEEPER, 2181, InfraKind.PROMETHEUS, 9090, InfraKind.KAFKA, ComposeFile.KAFKA_EXTERNAL_PORT);
        for (InfraNodeSpec node : topology.infrastructure()) {
            Map<String, Object> service = services.get(node.name());
            assertThat(strings(service.get("ports"))).as(node.name() + " ports")
                    .containsExactly("127.0.0.1:" + node.port() + ":" + containerPort.get(node.kind()));
            assertThat(service).as(node.name()).containsKeys("image", "healthcheck", "mem_limit");
        }
    }

    @Test
    void kafkaIsAThreeBrokerKraftQuorumWithReplicationThreeAndMinIsrTwo() {
        List<InfraNodeSpec> brokers = topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.KAFKA).toList();
        assertThat(brokers).hasSize(3);
        Set<String> nodeIds = new LinkedHashSet<>();
        for (InfraNodeSpec broker : brokers) {
            Map<String, String> env = stringMap(services.get(broker.name()).get("environment"));
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("CLUSTER_ID", ComposeFile.KAFKA_CLUSTER_ID)
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
            for (InfraNodeSpec voter : brokers) {
                assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).contains("@" + voter.name() + ":" + ComposeFile.KAFKA_CONTROLLER_PORT);
            }
            // What services are told (Addresses.compose) is what the broker advertises in the network.
            String inNetwork = Addresses.compose().hostPort(broker);
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + inNetwork)
                    .contains("EXTERNAL://localhost:" + broker.port());
        }
        assertThat(nodeIds).hasSize(3);
    }

    @Test
    void everyAddressInASettingNamesAComposeServiceOnAPortItListensOn() {
        Pattern address = Pattern.compile("(?:https?://|redis://|jdbc:postgresql://|^|[,=])([a-z][a-z0-9-]*):([0-9]+)");
        for (ServiceNodeSpec node : topology.serviceNodes()) {
            stringMap(services.get(node.name()).get("environment")).forEach((key, value) -> {
                Matcher m = address.matcher(value);
                while (m.find()) {
                    String host = m.group(1);
                    int port = Integer.parseInt(m.group(2));
                    assertThat(services).as(node.name() + " " + key + " names " + host).containsKey(host);
                    int listens = topology.serviceNode(host).map(n -> 8080)
                            .orElseGet(() -> Addresses.compose().hostPort(topology.infraNode(host).orElseThrow()).endsWith(":" + port) ? port : -1);
                    assertThat(listens).as(node.name() + " " + key + ": " + host + " listens on " + port).isEqualTo(port);
                }
            });
        }
    }

    @Test
    void everyServiceIsHealthCheckedAndMemoryLimitedExceptTheLoadClient() {
        services.forEach((name, service) -> {
            if (name.equals("load")) {
                assertThat(map(service.get("healthcheck"))).containsEntry("disable", true);
                assertThat(strings(service.get("profiles"))).containsExactly("load");
                return;
            }
            assertThat(service).as(name).containsKeys("healthcheck", "mem_limit");
            assertThat(service).as(name + ": no restart policy, so a killed node stays down for the drill").doesNotContainKey("restart");
        });
    }

    @Test
    void everyStatefulNodeHasANamedVolume() {
        Map<String, Object> volumes = cast(yaml(root.resolve("docker-compose.yml")).get("volumes"));
        for (String stateful : List.of("postgres", "zookeeper", "kafka-1", "kafka-2", "kafka-3", "prometheus", "grafana")) {
            assertThat(strings(services.get(stateful).get("volumes"))).as(stateful)
                    .anySatisfy(v -> assertThat(volumes).containsKey(v.substring(0, v.indexOf(':'))));
        }
        topology.serviceNodes().forEach(n -> assertThat(volumes).containsKey(n.name() + "-data"));
    }

    @Test
    void prometheusScrapesEveryServiceNodeUnderItsNameEveryFiveSeconds() {
        Map<String, Object> config = yaml(root.resolve("prometheus/prometheus.yml"));
        assertThat(map(config.get("global"))).containsEntry("scrape_interval", "5s");
        Map<String, String> targets = new LinkedHashMap<>();
        for (Map<String, Object> job : this.<Map<String, Object>>list(config.get("scrape_configs"))) {
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            String service = (String) job.get("job_name");
            for (Map<String, Object> staticConfig : this.<Map<String, Object>>list(job.get("static_configs"))) {
                String instance = (String) ((Map<?, ?>) staticConfig.get("labels")).get("instance");
                targets.put(instance, service + " " + strings(staticConfig.get("targets")));
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        topology.serviceNodes().forEach(n -> expected.put(n.name(), n.service() + " [" + n.name() + ":8080]"));
        assertThat(targets).isEqualTo(expected);
    }

    @Test
    void theDockerfileCopiesThePomOfEveryModuleOfTheReactor() throws IOException {
        String dockerfile = Files.readString(root.resolve("Dockerfile"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        List<String> missing = new ArrayList<>();
        while (modules.find()) {
            String module = modules.group(1);
            if (!dockerfile.contains("COPY " + module + "/pom.xml " + module + "/")) {
                missing.add(module);
            }
        }
        assertThat(missing).as("modules whose POM the Dockerfile's dependency layer lacks (add a COPY line)").isEmpty();
        for (String feature : List.of("RUN --mount", "COPY --link", "COPY --chmod", "<<EOF", "# syntax=", "--platform=")) {
            assertThat(dockerfile).as("the legacy builder rejects " + feature).doesNotContain(feature);
        }
        topology.services().forEach(s -> assertThat(root.resolve(s.module()).resolve("pom.xml")).as(s.module()).isRegularFile());
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return cast(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
        } catch (IOException e) {
            return fail("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> list(Object value) {
        return (List<T>) value;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        ((List<?>) value).forEach(v -> out.add(String.valueOf(v)));
        return out;
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
