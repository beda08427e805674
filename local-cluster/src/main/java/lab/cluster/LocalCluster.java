package lab.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import lab.cluster.infra.FreePorts;
import lab.cluster.infra.Infrastructure;
import lab.cluster.infra.Lifetime;
import lab.cluster.infra.LocalServer;
import lab.cluster.infra.ZooKeeperServer;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.node.ServiceNode;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.Topology;
import lab.cluster.topology.TopologyException;

/**
 * The launcher as multi-node tests use it: a chosen subset of the topology on free ports, every
 * node a real process bound to the test JVM (it dies with the JVM, even on kill -9), kills and
 * partitions on demand, and everything stopped on {@link #close()}.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().service("id-generator").start()) {
 *     cluster.kill("idgen-1");
 *     cluster.start("idgen-1");
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final ClusterLauncher launcher;

    private LocalCluster(ClusterLauncher launcher) {
        this.launcher = launcher;
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI url(String serviceNode) {
        return serviceNode(serviceNode).url();
    }

    /** Any node of the run, service or infrastructure, for its pid, log and state. */
    public LocalServer node(String name) {
        return launcher.server(name);
    }

    public ServiceNode serviceNode(String name) {
        return launcher.serviceNode(name).orElseThrow(() -> new TopologyException(
                "'" + name + "' is not a service node of this run; service nodes: "
                        + launcher.serviceNodes().stream().map(LocalServer::name).toList()));
    }

    public List<String> nodeNames() {
        return launcher.servers().stream().map(LocalServer::name).toList();
    }

    public String adminToken() {
        return launcher.plan().adminToken();
    }

    /**
     * The credential the nodes of this run send each other ({@code X-Lab-Cluster-Secret}); a test
     * that calls a node's {@code /internal/**} API directly sends it too.
     */
    public String clusterSecret() {
        return launcher.plan().clusterSecret();
    }

    public Infrastructure infrastructure() {
        return launcher.infrastructure();
    }

    /** SIGKILL; returns once the process is gone. */
    public void kill(String name) {
        launcher.kill(name);
    }

    /** Graceful stop (SIGTERM, then SIGKILL after the node's grace period). */
    public void stop(String name) {
        launcher.stop(name);
    }

    /** Starts the node again with the same data directory and waits until it is ready. */
    public void start(String name) {
        launcher.start(name);
    }

    /**
     * Starts a service node with extra or overriding settings (environment variables, e.g.
     * {@code IDGEN_CLOCK_OFFSET_MILLIS}) for this start only, so they are in force from its first
     * request; a later {@link #start(String)} runs with its configured settings again. Waits until
     * it is ready; to start a node that is expected not to become ready, use
     * {@code serviceNode(name).start(env)}.
     */
    public void start(String name, Map<String, String> extraEnvironment) {
        launcher.start(name, extraEnvironment);
    }

    public void restart(String name) {
        launcher.stop(name);
        launcher.start(name);
    }

    public void awaitReady(String name, Duration timeout) {
        launcher.server(name).awaitReady(timeout);
    }

    /** Both nodes drop each other's traffic (their fault API) until {@link #heal()}. */
    public void partition(String a, String b) {
        launcher.partition(a, b);
    }

    public void heal() {
        launcher.heal();
    }

    /** Where this run keeps its nodes' data directories and logs. */
    public Path dataRoot() {
        return launcher.plan().dataRoot();
    }

    @Override
    public void close() {
        launcher.close();
    }

    public static final class Builder {
        private Topology topology;
        private final Set<String> services = new LinkedHashSet<>();
        private final Set<String> nodes = new LinkedHashSet<>();
        private final Set<InfraKind> extraInfrastructure = EnumSet.noneOf(InfraKind.class);
        private final Map<String, Map<String, String>> env = new LinkedHashMap<>();
        private final Set<String> standby = new LinkedHashSet<>();
        private int kafkaBrokers = 1;
        private Path dataRoot;
        private Duration readyTimeout = Duration.ofSeconds(120);
        private Duration zookeeperTickTime = ZooKeeperServer.DEFAULT_TICK_TIME;

        private Builder() {
        }

        /** Defaults to the shipped topology ({@code lab/cluster/topology.yml}). */
        public Builder topology(Topology topology) {
            this.topology = topology;
            return this;
        }

        /** Every node of the service, unless {@link #nodes} narrows it. */
        public Builder service(String service) {
            services.add(service);
            return this;
        }

        /** Only these service nodes (of any service). */
        public Builder nodes(String... names) {
            nodes.addAll(List.of(names));
            return this;
        }

        /** Infrastructure to start even if no chosen service needs it. */
        public Builder infrastructure(InfraKind... kinds) {
            extraInfrastructure.addAll(List.of(kinds));
            return this;
        }

        /** One broker by default (fast); three to kill a broker and keep a quorum. */
        public Builder kafkaBrokers(int brokers) {
            this.kafkaBrokers = brokers;
            return this;
        }

        /**
         * Service nodes of the run that {@link #start()} does not start and that no node's peer list
         * names (their own peer list names the others): started later with {@link LocalCluster#start(String)},
         * e.g. a kv node that then joins the ring at runtime.
         */
        public Builder standby(String... names) {
            standby.addAll(List.of(names));
            return this;
        }

        /** Extra or overriding environment of one service node. */
        public Builder env(String node, String key, String value) {
            env.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Defaults to a fresh {@code target/local-cluster/run-…} directory of the module under test. */
        public Builder dataRoot(Path dataRoot) {
            this.dataRoot = dataRoot;
            return this;
        }

        /**
         * The tick of the run's ZooKeeper (2 s by default). It grants session timeouts of
         * {@code 2..20 × tick} only: 500 ms allows sessions of 1 to 10 s, for drills that take seconds.
         */
        public Builder zookeeperTickTime(Duration tickTime) {
            this.zookeeperTickTime = tickTime;
            return this;
        }

        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** Starts infrastructure, then each node after the previous one is ready; stops everything if one fails. */
        public LocalCluster start() {
            ClusterPlan plan = plan();
            ClusterLauncher launcher = new ClusterLauncher(plan, RepositoryLayout.find());
            try {
                launcher.startAll(message -> System.out.println("[local-cluster] " + message));
            } catch (RuntimeException e) {
                launcher.close();
                throw e;
            }
            return new LocalCluster(launcher);
        }

        ClusterPlan plan() {
            Topology top = topology != null ? topology : Topology.load();
            List<ServiceNodeSpec> chosen = new ArrayList<>();
            for (String service : services) {
                top.service(service).nodes().stream()
                        .filter(n -> nodes.isEmpty() || nodes.contains(n.name()))
                        .forEach(chosen::add);
            }
            Set<String> named = new LinkedHashSet<>(nodes);
            named.addAll(standby);
            for (String node : named) {
                ServiceNodeSpec spec = top.serviceNode(node).orElseThrow(() -> new TopologyException(
                        "unknown service node '" + node + "'; service nodes: "
                                + top.serviceNodes().stream().map(ServiceNodeSpec::name).toList()));
                if (!chosen.contains(spec)) {
                    chosen.add(spec);
                }
            }
            for (String node : env.keySet()) {
                if (chosen.stream().noneMatch(n -> n.name().equals(node))) {
                    throw new TopologyException("env given for " + node + ", which is not part of this run");
                }
            }
            Set<InfraKind> kinds = EnumSet.noneOf(InfraKind.class);
            kinds.addAll(ClusterPlan.neededBy(top, chosen));
            kinds.addAll(extraInfrastructure);
            kinds.remove(InfraKind.PROMETHEUS);

            // Free ports for every node so tests never collide with a running ./cluster or each other.
            ClusterPlan draft = new ClusterPlan(top, chosen, kinds, kafkaBrokers, Map.of(), Map.of(),
                    Path.of("."), Lifetime.BOUND_TO_JVM, ClusterCredentials.random(), Map.of(), readyTimeout);
            List<String> names = draft.nodeNames();
            List<String> brokers = draft.kafkaBrokerNames();
            List<Integer> free = FreePorts.pick(names.size() + brokers.size());
            Map<String, Integer> ports = new LinkedHashMap<>();
            Map<String, Integer> controllerPorts = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                ports.put(names.get(i), free.get(i));
            }
            for (int i = 0; i < brokers.size(); i++) {
                controllerPorts.put(brokers.get(i), free.get(names.size() + i));
            }
            return new ClusterPlan(top, chosen, kinds, kafkaBrokers, ports, controllerPorts,
                    dataRoot != null ? dataRoot : freshDataRoot(), Lifetime.BOUND_TO_JVM, ClusterCredentials.random(), env, readyTimeout,
                    zookeeperTickTime, standby);
        }

        private static Path freshDataRoot() {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            return Path.of("target", "local-cluster", "run-" + stamp + "-" + RUNS.incrementAndGet()).toAbsolutePath();
        }
    }
}
