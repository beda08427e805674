package lab.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.cluster.infra.Lifetime;
import lab.cluster.infra.ZooKeeperServer;
import lab.cluster.topology.Addresses;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.Topology;
import lab.cluster.topology.TopologyException;

/**
 * What one run of the cluster consists of: which service nodes, which infrastructure, on which
 * ports, with which data directory, credentials and lifetime. The CLI plans the whole topology on its
 * standard ports; a test plans a subset on free ports. {@code zookeeperTickTime}: the tick of the
 * run's ZooKeeper (2 s unless a test wants sessions of a few seconds). {@code standbyNodes}: service
 * nodes planned (port, data directory, settings) but not started with the others and not listed in
 * any node's {@code {{peers:…}}} or {@code {{urls:…}}}; a test starts one later, e.g. a kv node that
 * then joins the ring at runtime.
 */
public record ClusterPlan(Topology topology,
                          List<ServiceNodeSpec> serviceNodes,
                          Set<InfraKind> infrastructureKinds,
                          int kafkaBrokers,
                          Map<String, Integer> ports,
                          Map<String, Integer> controllerPorts,
                          Path dataRoot,
                          Lifetime lifetime,
                          ClusterCredentials credentials,
                          Map<String, Map<String, String>> extraEnvironment,
                          Duration readyTimeout,
                          Duration zookeeperTickTime,
                          Set<String> standbyNodes) {

    /** A plan whose ZooKeeper (if any) runs with its default tick of 2 s. */
    public ClusterPlan(Topology topology, List<ServiceNodeSpec> serviceNodes, Set<InfraKind> infrastructureKinds,
                       int kafkaBrokers, Map<String, Integer> ports, Map<String, Integer> controllerPorts, Path dataRoot,
                       Lifetime lifetime, ClusterCredentials credentials, Map<String, Map<String, String>> extraEnvironment,
                       Duration readyTimeout) {
        this(topology, serviceNodes, infrastructureKinds, kafkaBrokers, ports, controllerPorts, dataRoot, lifetime,
                credentials, extraEnvironment, readyTimeout, ZooKeeperServer.DEFAULT_TICK_TIME);
    }

    /** A plan that starts every service node it has. */
    public ClusterPlan(Topology topology, List<ServiceNodeSpec> serviceNodes, Set<InfraKind> infrastructureKinds,
                       int kafkaBrokers, Map<String, Integer> ports, Map<String, Integer> controllerPorts, Path dataRoot,
                       Lifetime lifetime, ClusterCredentials credentials, Map<String, Map<String, String>> extraEnvironment,
                       Duration readyTimeout, Duration zookeeperTickTime) {
        this(topology, serviceNodes, infrastructureKinds, kafkaBrokers, ports, controllerPorts, dataRoot, lifetime,
                credentials, extraEnvironment, readyTimeout, zookeeperTickTime, Set.of());
    }

    public ClusterPlan {
        serviceNodes = List.copyOf(serviceNodes);
        infrastructureKinds = infrastructureKinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(infrastructureKinds));
        ports = Map.copyOf(ports);
        controllerPorts = Map.copyOf(controllerPorts);
        extraEnvironment = Map.copyOf(extraEnvironment);
        standbyNodes = standbyNodes == null ? Set.of() : Set.copyOf(standbyNodes);
        for (String standby : standbyNodes) {
            if (serviceNodes.stream().noneMatch(n -> n.name().equals(standby))) {
                throw new TopologyException("standby node " + standby + " is not a service node of this run");
            }
        }
        if (zookeeperTickTime == null) {
            zookeeperTickTime = ZooKeeperServer.DEFAULT_TICK_TIME;
        }
        long brokersInTopology = topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.KAFKA).count();
        if (infrastructureKinds.contains(InfraKind.KAFKA) && (kafkaBrokers < 1 || kafkaBrokers > brokersInTopology)) {
            throw new TopologyException("kafka brokers must be between 1 and " + brokersInTopology + ", got " + kafkaBrokers);
        }
        java.util.Objects.requireNonNull(credentials, "credentials");
    }

    /** The infrastructure kinds the given service nodes need. */
    public static Set<InfraKind> neededBy(Topology topology, List<ServiceNodeSpec> nodes) {
        Set<InfraKind> kinds = EnumSet.noneOf(InfraKind.class);
        for (ServiceNodeSpec node : nodes) {
            topology.infrastructureFor(topology.serviceOf(node)).forEach(infra -> kinds.add(infra.kind()));
        }
        return kinds;
    }

    public List<String> kafkaBrokerNames() {
        if (!infrastructureKinds.contains(InfraKind.KAFKA)) {
            return List.of();
        }
        return topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.KAFKA)
                .limit(kafkaBrokers).map(InfraNodeSpec::name).toList();
    }

    /** Every node of the run by name: infrastructure, then service nodes. */
    public List<String> nodeNames() {
        Set<String> names = new LinkedHashSet<>();
        for (InfraNodeSpec infra : topology.infrastructure()) {
            if (infra.kind() == InfraKind.KAFKA ? kafkaBrokerNames().contains(infra.name())
                    : infrastructureKinds.contains(infra.kind())) {
                names.add(infra.name());
            }
        }
        serviceNodes.forEach(n -> names.add(n.name()));
        return new ArrayList<>(names);
    }

    public int portOf(String node) {
        Integer port = ports.get(node);
        if (port == null) {
            throw new TopologyException("no port planned for " + node);
        }
        return port;
    }

    public int controllerPortOf(String broker) {
        Integer port = controllerPorts.get(broker);
        if (port == null) {
            throw new TopologyException("no controller port planned for " + broker);
        }
        return port;
    }

    public NodeSettings nodeSettings() {
        Set<String> listed = new LinkedHashSet<>(nodeNames());
        listed.removeAll(standbyNodes);
        return new NodeSettings(topology, Addresses.local(this::portOf), listed);
    }

    /** The bearer token of every node's /admin API in this run. */
    public String adminToken() {
        return credentials.adminToken();
    }

    /** The credential every node of this run sends on its calls to another node's /internal API. */
    public String clusterSecret() {
        return credentials.clusterSecret();
    }

    public boolean isStandby(String node) {
        return standbyNodes.contains(node);
    }

    public Path dataDirOf(String node) {
        return dataRoot.resolve(node);
    }
}
