package lab.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import lab.cluster.infra.Infrastructure;
import lab.cluster.infra.KafkaBroker;
import lab.cluster.infra.LocalServer;
import lab.cluster.node.FaultApi;
import lab.cluster.node.JvmMemory;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.node.ServiceNode;
import lab.cluster.prometheus.PrometheusServer;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.TopologyException;

/**
 * Starts, stops, kills and partitions the processes of one cluster run. The {@code ./cluster}
 * CLI and the tests' {@link LocalCluster} are two shells around it, so the product and its
 * tests start nodes the same way.
 */
public final class ClusterLauncher implements AutoCloseable {

    private final ClusterPlan plan;
    private final Infrastructure infrastructure;
    private final Map<String, ServiceNode> serviceNodes = new LinkedHashMap<>();
    private final FaultApi faults;
    private PrometheusServer prometheus;

    public ClusterLauncher(ClusterPlan plan, RepositoryLayout repository) {
        this.plan = plan;
        this.infrastructure = buildInfrastructure(plan);
        NodeSettings settings = plan.nodeSettings();
        for (ServiceNodeSpec spec : plan.serviceNodes()) {
            ServiceSpec service = plan.topology().serviceOf(spec);
            Map<String, String> env = new LinkedHashMap<>(settings.environment(spec));
            env.put("ADMIN_TOKEN", plan.adminToken());
            env.put("CLUSTER_SECRET", plan.clusterSecret());
            env.putAll(plan.extraEnvironment().getOrDefault(spec.name(), Map.of()));
            serviceNodes.put(spec.name(), new ServiceNode(spec.name(), service.name(),
                    repository.requireJar(service.module()), plan.portOf(spec.name()),
                    JvmMemory.forHeap(service.heapMb()), env, plan.dataRoot().resolve(spec.name()), plan.lifetime()));
        }
        this.faults = new FaultApi(plan.adminToken());
    }

    private static Infrastructure buildInfrastructure(ClusterPlan plan) {
        Set<InfraKind> kinds = plan.infrastructureKinds();
        Infrastructure.Builder builder = Infrastructure.builder(plan.dataRoot())
                .lifetime(plan.lifetime())
                .readyTimeout(plan.readyTimeout());
        if (kinds.contains(InfraKind.POSTGRES)) {
            builder.postgres(plan.portOf("postgres"));
        }
        if (kinds.contains(InfraKind.REDIS)) {
            builder.redis(plan.portOf("redis"));
        }
        if (kinds.contains(InfraKind.ZOOKEEPER)) {
            builder.zookeeper(plan.portOf("zookeeper")).zookeeperTickTime(plan.zookeeperTickTime());
        }
        if (kinds.contains(InfraKind.KAFKA)) {
            List<String> brokers = plan.kafkaBrokerNames();
            builder.kafka(brokers.stream().map(plan::portOf).toList(),
                    brokers.stream().map(plan::controllerPortOf).toList());
        }
        return builder.build();
    }

    /** Adds Prometheus, scraping every service node of the run; it starts last. */
    public PrometheusServer withPrometheus(Path binary, int port, Path rulesDir) {
        prometheus = new PrometheusServer(binary, port, serviceNodes(), rulesDir, plan.dataDirOf("prometheus"), plan.lifetime());
        return prometheus;
    }

    public Optional<PrometheusServer> prometheus() {
        return Optional.ofNullable(prometheus);
    }

    public ClusterPlan plan() {
        return plan;
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    /** Every node of the run in start order: infrastructure first, then service nodes. */
    public List<LocalServer> servers() {
        List<LocalServer> all = new ArrayList<>(infrastructure.servers());
        all.addAll(serviceNodes.values());
        if (prometheus != null) {
            all.add(prometheus);
        }
        return all;
    }

    public List<ServiceNode> serviceNodes() {
        return List.copyOf(serviceNodes.values());
    }

    public Optional<ServiceNode> serviceNode(String name) {
        return Optional.ofNullable(serviceNodes.get(name));
    }

    /** The node by name, or an error that lists the nodes this run has. */
    public LocalServer server(String name) {
        return servers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> unknownNode(name));
    }

    private TopologyException unknownNode(String name) {
        List<String> names = servers().stream().map(LocalServer::name).toList();
        if (plan.topology().nodeNames().contains(name)) {
            return new TopologyException("node '" + name + "' is not part of this cluster run; its nodes: " + String.join(", ", names));
        }
        return new TopologyException("unknown node '" + name + "'; nodes: " + String.join(", ", names));
    }

    /** Adopts the processes a previous launcher left running (the CLI between two commands). */
    public List<String> attach() {
        List<String> attached = new ArrayList<>();
        for (LocalServer server : servers()) {
            if (server.attach()) {
                attached.add(server.name());
            }
        }
        return attached;
    }

    /**
     * Starts whatever is not running (standby nodes excepted), one node after another so two cores are not swamped.
     * Kafka brokers are started together and then awaited: a KRaft quorum needs a majority of
     * its voters up before any broker is ready.
     */
    public void startAll(Consumer<String> progress) {
        List<LocalServer> brokersToAwait = new ArrayList<>();
        for (LocalServer server : infrastructure.servers()) {
            if (server.isRunning()) {
                continue;
            }
            server.start();
            if (server instanceof KafkaBroker) {
                brokersToAwait.add(server);
            } else {
                server.awaitReady(plan.readyTimeout());
                progress.accept(describeStart(server));
            }
        }
        for (LocalServer broker : brokersToAwait) {
            broker.awaitReady(plan.readyTimeout());
            progress.accept(describeStart(broker));
        }
        for (ServiceNode node : serviceNodes.values()) {
            if (!node.isRunning() && !plan.isStandby(node.name())) {
                node.startAndAwaitReady(plan.readyTimeout());
                progress.accept(describeStart(node));
            }
        }
        if (prometheus != null && !prometheus.isRunning()) {
            prometheus.startAndAwaitReady(plan.readyTimeout());
            progress.accept(describeStart(prometheus));
        }
    }

    private static String describeStart(LocalServer server) {
        return String.format("started %-12s pid %-7d ready in %.1f s", server.name(),
                server.pid().orElse(-1), server.startupTime().toMillis() / 1000.0);
    }

    /** Starts one node with its data directory as it was, and waits until it is ready. */
    public LocalServer start(String name) {
        LocalServer server = server(name);
        server.startAndAwaitReady(plan.readyTimeout());
        return server;
    }

    /**
     * Starts one service node with extra or overriding settings for this start only (a later
     * {@link #start(String)} runs with its configured settings again), and waits until it is ready.
     */
    public ServiceNode start(String name, Map<String, String> extraEnvironment) {
        ServiceNode node = requireServiceNode(name, "takes no settings per start");
        node.startAndAwaitReady(extraEnvironment, plan.readyTimeout());
        return node;
    }

    public void stop(String name) {
        server(name).stop();
    }

    /** SIGKILL; returns once the process is gone. */
    public void kill(String name) {
        server(name).kill();
    }

    /** Both nodes drop each other's traffic until {@link #heal()}. */
    public void partition(String a, String b) {
        ServiceNode first = requireRunningServiceNode(a);
        ServiceNode second = requireRunningServiceNode(b);
        if (first == second) {
            throw new TopologyException("a node cannot be partitioned from itself (" + a + ")");
        }
        faults.dropPeer(first, b);
        faults.dropPeer(second, a);
    }

    /** Every running service node stops dropping traffic; returns the nodes it told. */
    public List<String> heal() {
        List<String> healed = new ArrayList<>();
        for (ServiceNode node : serviceNodes.values()) {
            if (node.isRunning() && faults.healAll(node)) {
                healed.add(node.name());
            }
        }
        return healed;
    }

    public String faultsOf(String name) {
        return faults.faults(requireRunningServiceNode(name));
    }

    private ServiceNode requireRunningServiceNode(String name) {
        ServiceNode node = requireServiceNode(name, "has no fault API; partitions are between service nodes");
        if (!node.isRunning()) {
            throw new TopologyException(name + " is not running");
        }
        return node;
    }

    private ServiceNode requireServiceNode(String name, String why) {
        ServiceNode node = serviceNodes.get(name);
        if (node == null) {
            server(name); // unknown names fail with the list of nodes
            throw new TopologyException(name + " is infrastructure and " + why + ": "
                    + String.join(", ", serviceNodes.keySet()));
        }
        return node;
    }

    /** Service nodes first (they depend on the infrastructure), then infrastructure, newest first. */
    public void stopAll(Consumer<String> progress) {
        List<LocalServer> order = servers().reversed();
        for (LocalServer server : order) {
            if (server.isRunning()) {
                server.stop();
                progress.accept("stopped " + server.name());
            }
        }
    }

    @Override
    public void close() {
        stopAll(message -> { });
    }
}
