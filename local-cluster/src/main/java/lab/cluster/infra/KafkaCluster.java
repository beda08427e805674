package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of 1 or 3 {@link KafkaBroker}s, each a combined broker and controller, node
 * ids 1..n, every node a voter. Node {@code i} lives in {@code <dir>/kafka-i}; the cluster id is
 * kept in {@code <dir>/cluster.id} so that a restart (of a node or of all) rejoins the same cluster.
 */
public final class KafkaCluster implements AutoCloseable {

    private final List<KafkaBroker> brokers;
    private final String clusterId;

    private KafkaCluster(Path dir, List<Integer> ports, List<Integer> controllerPorts, Lifetime lifetime) {
        if (ports.isEmpty() || ports.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("need one controller port per broker port, got " + ports + " and " + controllerPorts);
        }
        this.clusterId = loadOrCreateClusterId(dir.toAbsolutePath());
        String voters = IntStream.range(0, ports.size())
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        KafkaQuorum quorum = new KafkaQuorum(voters, ports.size(), clusterId);
        List<KafkaBroker> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            int nodeId = i + 1;
            nodes.add(new KafkaBroker(nodeId, dir.resolve("kafka-" + nodeId), ports.get(i), controllerPorts.get(i),
                    quorum, lifetime));
        }
        this.brokers = List.copyOf(nodes);
    }

    /** {@code brokers} nodes on ports picked free now. */
    public static KafkaCluster onFreePorts(Path dir, int brokers, Lifetime lifetime) {
        List<Integer> ports = FreePorts.pick(2 * brokers);
        return new KafkaCluster(dir, ports.subList(0, brokers), ports.subList(brokers, 2 * brokers), lifetime);
    }

    /** Node {@code i+1} listens for clients on {@code ports[i]} and for the quorum on {@code controllerPorts[i]}. */
    public static KafkaCluster withPorts(Path dir, List<Integer> ports, List<Integer> controllerPorts, Lifetime lifetime) {
        return new KafkaCluster(dir, List.copyOf(ports), List.copyOf(controllerPorts), lifetime);
    }

    /** The node with this id, 1-based. */
    public KafkaBroker broker(int nodeId) {
        if (nodeId < 1 || nodeId > brokers.size()) {
            throw new IllegalArgumentException("no broker " + nodeId + "; node ids are 1.." + brokers.size());
        }
        return brokers.get(nodeId - 1);
    }

    public List<KafkaBroker> brokers() {
        return brokers;
    }

    public String bootstrapServers() {
        return brokers.stream().map(KafkaBroker::bootstrapServer).collect(Collectors.joining(","));
    }

    public String clusterId() {
        return clusterId;
    }

    /**
     * Launches every node that is not running without waiting: a node of a three-node quorum
     * cannot finish starting until a majority of voters is up, so waiting node by node would hang.
     */
    public void start() {
        brokers.stream().filter(broker -> !broker.isRunning()).forEach(KafkaBroker::start);
    }

    public void awaitReady(Duration timeout) {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        for (KafkaBroker broker : brokers) {
            broker.awaitReady(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        }
    }

    /** Starts all nodes and waits until each serves; on failure every node is killed. */
    public KafkaCluster startAndAwaitReady(Duration timeout) {
        StartOrKill.run(this::start, () -> awaitReady(timeout), this::kill);
        return this;
    }

    /** Adopts nodes left running by an earlier JVM; true when every node was adopted. */
    public boolean attach() {
        boolean all = true;
        for (KafkaBroker broker : brokers) {
            all &= broker.attach();
        }
        return all;
    }

    /**
     * Stops all nodes at once: stopped one by one, the last ones would lose their quorum and
     * wait out the controlled-shutdown timeout.
     */
    public void stop() {
        onEveryBroker(KafkaBroker::stop);
    }

    public void kill() {
        onEveryBroker(KafkaBroker::kill);
    }

    @Override
    public void close() {
        stop();
    }

    /** A new admin client for this cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Runs {@code action} on all nodes in parallel and rethrows the first failure once all are done. */
    private void onEveryBroker(Consumer<KafkaBroker> action) {
        List<Future<?>> results;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            results = brokers.stream().<Future<?>>map(broker -> executor.submit(() -> action.accept(broker))).toList();
        }
        for (Future<?> result : results) {
            try {
                result.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static String loadOrCreateClusterId(Path dir) {
        Path file = dir.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(dir);
            String id = Uuid.randomUuid().toString();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the Kafka cluster id in " + file, e);
        }
    }
}
