package lab.cluster.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import lab.cluster.ClusterCredentials;
import lab.cluster.ClusterPlan;
import lab.cluster.infra.Lifetime;
import lab.cluster.node.ServiceNode;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.Topology;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's state between two commands: {@code .cluster/} holds the cluster's settings
 * ({@code cluster.json}: admin token, cluster secret, Kafka broker count, bind address) and {@code data/<node>/} for every node
 * (data, log, pid file). {@code down} keeps it; {@code down --wipe} removes it.
 */
final class ClusterHome {

    /**
     * {@code clusterSecret} is null in the settings of a cluster made before nodes had one; {@code up} adds it.
     * {@code bindAddress}: where every service node listens; absent in files of earlier versions, loopback then.
     */
    record Settings(String adminToken, String clusterSecret, int kafkaBrokers, Instant createdAt, String bindAddress) {

        Settings {
            if (bindAddress == null) {
                bindAddress = ServiceNode.DEFAULT_BIND_ADDRESS;
            }
        }

        ClusterCredentials credentials() {
            return new ClusterCredentials(adminToken, clusterSecret);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    ClusterHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Path dataRoot() {
        return dir.resolve("data");
    }

    private Path settingsFile() {
        return dir.resolve("cluster.json");
    }

    Optional<Settings> settings() {
        if (!Files.isRegularFile(settingsFile())) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(settingsFile().toFile(), Settings.class));
    }

    void save(Settings settings) {
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(settingsFile().toFile(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a node's data directory holds anything from an earlier run (beyond its log and pid file). */
    static boolean holdsData(Path nodeDir) {
        try (Stream<Path> entries = Files.isDirectory(nodeDir) ? Files.list(nodeDir) : Stream.empty()) {
            return entries.anyMatch(p -> !p.getFileName().toString().endsWith(".log") && !p.getFileName().toString().equals("pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void wipe() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole topology on its standard ports (DESIGN.md §4), processes independent of the CLI. */
    ClusterPlan plan(Topology topology, Settings settings) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<String, Integer> controllerPorts = new LinkedHashMap<>();
        for (InfraNodeSpec infra : topology.infrastructure()) {
            ports.put(infra.name(), infra.port());
            if (infra.kind() == InfraKind.KAFKA) {
                controllerPorts.put(infra.name(), infra.controllerPort());
            }
        }
        topology.serviceNodes().forEach(n -> ports.put(n.name(), n.port()));
        Set<InfraKind> kinds = EnumSet.noneOf(InfraKind.class);
        topology.infrastructure().forEach(infra -> kinds.add(infra.kind()));
        kinds.remove(InfraKind.PROMETHEUS); // optional, started by the CLI when installed
        Map<String, Map<String, String>> bind = new LinkedHashMap<>();
        topology.serviceNodes().forEach(n -> bind.put(n.name(), Map.of("SERVER_ADDRESS", settings.bindAddress())));
        return new ClusterPlan(topology, topology.serviceNodes(), kinds, settings.kafkaBrokers(),
                ports, controllerPorts, dataRoot(), Lifetime.INDEPENDENT, settings.credentials(), bind, Duration.ofSeconds(240));
    }
}
