package lab.cluster.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.cluster.ClusterCredentials;
import lab.cluster.ClusterLauncher;
import lab.cluster.ClusterPlan;
import lab.cluster.infra.FreePorts;
import lab.cluster.infra.LocalServer;
import lab.cluster.infra.ServerStartException;
import lab.cluster.node.RepositoryLayout;
import lab.cluster.prometheus.PrometheusServer;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.Topology;
import lab.cluster.topology.TopologyException;

/**
 * {@code ./cluster}: the local cluster's verbs, modelled on {@code docker compose} (DESIGN.md §6).
 * Every command is a short-lived JVM that adopts the running processes through their pid files,
 * acts, prints what it did and exits non-zero with a reason when it cannot.
 */
public final class ClusterCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_RUNNING = 3;

    private static final String USAGE_TEXT = """
            usage: ./cluster <command>
              up [--small] [--bind ADDRESS] [--load [--load-rate N]]
                                    build if needed, start everything, wait until ready, print the nodes
                                    (--small: one Kafka broker instead of three; --bind: where the service
                                    nodes listen, 127.0.0.1 unless 0.0.0.0 or :: asks for every interface,
                                    kept for later starts; --load: then a low, steady background load of
                                    every service, stopped by down)
              status [--json]       every node: state, readiness, pid, address, memory
              token                 the admin token alone, for scripts
              secret                the cluster secret alone (X-Lab-Cluster-Secret on a node's /internal API)
              kill NODE             SIGKILL one node (infrastructure too: kafka-2, redis, postgres, zookeeper)
              stop NODE             graceful stop
              start NODE            start it again with the same data directory
              restart NODE          stop, then start
              partition A B         A and B drop each other's traffic (service nodes, via their fault API)
              heal                  remove every partition
              logs NODE [-n LINES]  the node's log (last 200 lines by default; ./cluster logs -f NODE follows)
              down [--wipe]         stop everything; data stays in .cluster/data unless --wipe
              load SCENARIO [--rate N] [--duration D] [...]
                                    a Gatling load test against the running cluster: ids, ratelimit, kv, payments,
                                    messaging, mixed, background; prints a summary and the HTML report's path
                                    (./cluster load --help; docs/load-testing.md)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final ClusterHome home;
    private final Topology topology;
    private final RepositoryLayout repository;

    ClusterCli(PrintStream out, PrintStream err, ClusterHome home, Topology topology, RepositoryLayout repository) {
        this.out = out;
        this.err = err;
        this.home = home;
        this.topology = topology;
        this.repository = repository;
    }

    public static void main(String[] args) {
        RepositoryLayout repository = RepositoryLayout.find();
        Map<String, String> env = System.getenv();
        Path dir = env.containsKey("LAB_CLUSTER_DIR") ? Path.of(env.get("LAB_CLUSTER_DIR")) : repository.root().resolve(".cluster");
        Topology topology;
        try {
            topology = env.containsKey("LAB_CLUSTER_TOPOLOGY")
                    ? Topology.parse(Files.readString(Path.of(env.get("LAB_CLUSTER_TOPOLOGY"))))
                    : Topology.load();
        } catch (IOException | TopologyException e) {
            System.err.println("error: cannot read the topology: " + e.getMessage());
            System.exit(FAILED);
            return;
        }
        System.exit(new ClusterCli(System.out, System.err, new ClusterHome(dir), topology, repository).run(args));
    }

    int run(String... args) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "up" -> up(rest);
                case "status" -> status(rest.contains("--json"));
                case "token" -> token();
                case "secret" -> secret();
                case "kill", "stop", "start", "restart" -> nodeVerb(args[0], rest);
                case "partition" -> partition(rest);
                case "heal" -> heal();
                case "logs" -> logs(rest);
                case "down" -> down(rest.contains("--wipe"));
                // The root script runs the load tests itself (their jar, not the launcher's classpath).
                case "load" -> fail(USAGE, "load runs from the ./cluster script: ./cluster load SCENARIO (docs/load-testing.md)");
                default -> fail(USAGE, "unknown command '" + args[0] + "'\n" + USAGE_TEXT);
            };
        } catch (TopologyException | IllegalStateException | IllegalArgumentException | ServerStartException | UncheckedIOException e) {
            return fail(FAILED, e.getMessage());
        }
    }

    private int up(List<String> flags) {
        int kafkaBrokers = 3;
        String bindAddress = null;
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            if (flag.equals("--small")) {
                kafkaBrokers = 1;
            } else if (flag.equals("--bind") && i + 1 < flags.size()) {
                bindAddress = BindAddress.require(flags.get(++i));
            } else {
                return fail(USAGE, "up takes --small and --bind ADDRESS, not '" + flag + "'");
            }
        }
        ClusterHome.Settings settings = home.settings().orElse(null);
        if (settings != null && settings.kafkaBrokers() != kafkaBrokers && kafkaHoldsData(launcher(settings))) {
            return fail(FAILED, "the cluster in " + home.dir() + " was made with " + settings.kafkaBrokers()
                    + " Kafka broker(s); run `./cluster up" + (settings.kafkaBrokers() == 1 ? " --small" : "")
                    + "`, or `./cluster down --wipe` first to start over with " + kafkaBrokers);
        }
        settings = settings == null
                ? new ClusterHome.Settings(ClusterCredentials.randomSecret(), ClusterCredentials.randomSecret(), kafkaBrokers, Instant.now(),
                        bindAddress)
                : new ClusterHome.Settings(settings.adminToken(),
                        settings.clusterSecret() != null ? settings.clusterSecret() : ClusterCredentials.randomSecret(),
                        kafkaBrokers, settings.createdAt(), bindAddress != null ? bindAddress : settings.bindAddress());
        home.save(settings);
        ClusterLauncher launcher = launcher(settings);
        PrometheusServer prometheus = prometheusPort().flatMap(port -> PrometheusServer.findOnPath()
                        .map(binary -> launcher.withPrometheus(binary, port, repository.root().resolve("prometheus").resolve("rules"))))
                .orElse(null);
        List<String> attached = launcher.attach();
        if (!attached.isEmpty()) {
            out.println("already running: " + String.join(", ", attached));
        }
        requirePortsFree(launcher);
        out.println("starting the cluster (" + kafkaBrokers + " Kafka broker" + (kafkaBrokers == 1 ? "" : "s")
                + "), one node after another; logs in " + home.dataRoot() + "/<node>/<node>.log");
        launcher.startAll(out::println);
        out.println();
        StatusReport report = StatusReport.of(launcher);
        report.printTable(out);
        out.println();
        out.println("gateway:     " + gatewayUrl().orElse("not built yet: call the nodes above directly"));
        out.println("prometheus:  " + (prometheus != null ? prometheus.url()
                : "not installed (apt-get install prometheus, then ./cluster up again)"));
        out.println("admin token: " + settings.adminToken() + "   (./cluster token)");
        out.println("listening:   " + BindAddress.describe(settings.bindAddress()));
        out.println("logs:        ./cluster logs NODE   (files: " + home.dataRoot() + "/<node>/<node>.log)");
        out.println("data:        " + home.dataRoot() + "   (kept by ./cluster down; ./cluster down --wipe removes it)");
        out.printf("memory:      %d MiB resident now; service nodes capped at %d MiB in all (heap, metaspace, code, direct)%n",
                report.residentMbTotal(), launcher.serviceNodes().stream().mapToInt(n -> n.memory().budgetMb()).sum());
        return OK;
    }

    private void requirePortsFree(ClusterLauncher launcher) {
        List<String> taken = new ArrayList<>();
        for (LocalServer server : launcher.servers()) {
            if (!server.isRunning()) {
                int port = server instanceof PrometheusServer p ? p.port() : launcher.plan().portOf(server.name());
                if (FreePorts.isListening(port)) {
                    taken.add(server.name() + " (port " + port + ")");
                }
            }
        }
        if (!taken.isEmpty()) {
            throw new IllegalStateException("ports already in use by other processes, so these nodes cannot start: "
                    + String.join(", ", taken) + ". Stop what holds them (ss -ltnp shows it) and run ./cluster up again.");
        }
    }

    private int status(boolean json) {
        ClusterLauncher launcher = existingCluster();
        StatusReport report = StatusReport.of(launcher);
        if (json) {
            report.printJson(out, gatewayUrl().orElse(null));
        } else {
            report.printTable(out);
        }
        if (!report.anyRunning()) {
            err.println("the cluster is not running (./cluster up starts it)");
            return NOT_RUNNING;
        }
        return OK;
    }

    private int token() {
        runningCluster();
        out.println(home.settings().orElseThrow().adminToken());
        return OK;
    }

    private int secret() {
        runningCluster();
        out.println(home.settings().orElseThrow().clusterSecret());
        return OK;
    }

    private int nodeVerb(String verb, List<String> args) {
        if (args.size() != 1) {
            return fail(USAGE, verb + " takes one node name, e.g. ./cluster " + verb + " idgen-1");
        }
        String name = args.getFirst();
        ClusterLauncher launcher = runningCluster();
        LocalServer server = launcher.server(name);
        switch (verb) {
            case "kill" -> {
                requireRunning(server);
                long pid = server.pid().orElseThrow();
                launcher.kill(name);
                out.println("killed " + name + " (SIGKILL to pid " + pid + ")");
            }
            case "stop" -> {
                requireRunning(server);
                launcher.stop(name);
                out.println("stopped " + name);
            }
            case "start" -> {
                if (server.isRunning()) {
                    out.println(name + " is already running (pid " + server.pid().orElseThrow() + ")");
                    return OK;
                }
                launcher.start(name);
                out.printf("started %s (pid %d), ready in %.1f s, data in %s%n", name, server.pid().orElseThrow(),
                        server.startupTime().toMillis() / 1000.0, server.dataDir());
            }
            default -> {
                if (server.isRunning()) {
                    launcher.stop(name);
                }
                launcher.start(name);
                out.printf("restarted %s (pid %d), ready in %.1f s%n", name, server.pid().orElseThrow(),
                        server.startupTime().toMillis() / 1000.0);
            }
        }
        return OK;
    }

    private int partition(List<String> args) {
        if (args.size() != 2) {
            return fail(USAGE, "partition takes two service nodes, e.g. ./cluster partition kv-1 kv-2");
        }
        runningCluster().partition(args.get(0), args.get(1));
        out.println("partitioned " + args.get(0) + " from " + args.get(1)
                + ": each drops the other's traffic (./cluster heal removes it)");
        return OK;
    }

    private int heal() {
        List<String> healed = runningCluster().heal();
        out.println("healed: " + String.join(", ", healed) + " drop no peer any more");
        return OK;
    }

    private int logs(List<String> args) {
        List<String> names = new ArrayList<>();
        int lines = 200;
        boolean pathOnly = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "-n", "--lines" -> {
                    if (i + 1 >= args.size() || !args.get(i + 1).matches("\\d{1,7}")) {
                        return fail(USAGE, "-n takes a number of lines");
                    }
                    lines = Integer.parseInt(args.get(++i));
                }
                case "--path" -> pathOnly = true;
                default -> names.add(args.get(i));
            }
        }
        if (names.size() != 1) {
            return fail(USAGE, "logs takes one node name, e.g. ./cluster logs idgen-1");
        }
        LocalServer server = existingCluster().server(names.getFirst());
        if (pathOnly) {
            out.println(server.logFile());
        } else if (!Files.exists(server.logFile())) {
            return fail(FAILED, server.name() + " has not written a log yet (" + server.logFile() + ")");
        } else {
            out.print(server.logTail(lines));
        }
        return OK;
    }

    private int down(boolean wipe) {
        if (home.settings().isEmpty()) {
            out.println("no cluster in " + home.dir() + "; nothing to stop");
            return OK;
        }
        ClusterLauncher launcher = existingCluster();
        if (launcher.servers().stream().noneMatch(LocalServer::isRunning)) {
            out.println("nothing was running");
        }
        launcher.stopAll(out::println);
        if (wipe) {
            home.wipe();
            out.println("wiped " + home.dir());
        } else {
            out.println("data kept in " + home.dataRoot() + " (./cluster down --wipe removes it)");
        }
        return OK;
    }

    /** The cluster of this checkout with its processes adopted; an error if it was never started here. */
    private ClusterLauncher existingCluster() {
        ClusterHome.Settings settings = home.settings().orElseThrow(() -> new IllegalStateException(
                "no cluster in " + home.dir() + ": ./cluster up starts one"));
        ClusterLauncher launcher = launcher(settings);
        prometheusPort().ifPresent(port -> PrometheusServer.findOnPath()
                .ifPresent(binary -> launcher.withPrometheus(binary, port, null)));
        launcher.attach();
        return launcher;
    }

    private ClusterLauncher runningCluster() {
        ClusterLauncher launcher = existingCluster();
        if (launcher.servers().stream().noneMatch(LocalServer::isRunning)) {
            throw new IllegalStateException("the cluster is not running (./cluster up starts it)");
        }
        return launcher;
    }

    private ClusterLauncher launcher(ClusterHome.Settings settings) {
        return new ClusterLauncher(home.plan(topology, settings), repository);
    }

    /** A KRaft quorum cannot change its number of voters by a restart, so a formatted broker pins the count. */
    private static boolean kafkaHoldsData(ClusterLauncher launcher) {
        return launcher.plan().kafkaBrokerNames().stream()
                .anyMatch(broker -> ClusterHome.holdsData(launcher.server(broker).dataDir()));
    }

    private static void requireRunning(LocalServer server) {
        if (!server.isRunning()) {
            throw new IllegalStateException(server.name() + " is not running (./cluster start " + server.name() + " starts it)");
        }
    }

    /** Prometheus runs only where the topology has a node for it (and the binary is installed). */
    private Optional<Integer> prometheusPort() {
        return topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.PROMETHEUS)
                .findFirst().map(InfraNodeSpec::port);
    }

    private Optional<String> gatewayUrl() {
        return topology.serviceNode("gateway").map(n -> "http://127.0.0.1:" + n.port());
    }

    private int fail(int code, String message) {
        err.println("error: " + message);
        return code;
    }
}
