package lab.kvstore.replication;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.ring.Ring;
import lab.kvstore.ring.RingView;
import lab.kvstore.storage.InMemoryStorage;
import lab.kvstore.version.VersionedValue;

/**
 * Several nodes in one JVM: each a Replica on in-memory storage and a Coordinator, wired by a
 * transport that can make a node unreachable (refused at once) or silent (never answers, as a
 * partition does) for the tests to drive failures deterministically.
 */
final class InMemoryCluster implements AutoCloseable {

    final Ring ring;
    final Map<String, Replica> replicas = new LinkedHashMap<>();
    final Map<String, Coordinator> coordinators = new LinkedHashMap<>();
    final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** Nodes that answer reads but refuse every join sent to them (a breaker half-open towards them, say). */
    final Set<String> refusingJoins = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Replica reads each node served to other coordinators. */
    final Map<String, AtomicInteger> remoteReadsServed = new ConcurrentHashMap<>();

    InMemoryCluster(List<String> nodes, int replicationFactor, int maxSiblings) {
        this(nodes, replicationFactor, maxSiblings, ReadFanOut::all, KvMetrics.NONE);
    }

    /** Coordinators that read as {@code readFanOut} says (one instance per node), reporting to {@code metrics}. */
    InMemoryCluster(List<String> nodes, int replicationFactor, int maxSiblings, Supplier<ReadFanOut> readFanOut, KvMetrics metrics) {
        this(nodes, replicationFactor, maxSiblings, readFanOut, metrics, false);
    }

    /** As above; {@code readRepair} turns part 2's read repair on. */
    InMemoryCluster(List<String> nodes, int replicationFactor, int maxSiblings, Supplier<ReadFanOut> readFanOut, KvMetrics metrics,
                    boolean readRepair) {
        ring = new Ring(nodes, 64, 16, replicationFactor);
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        for (String node : nodes) {
            replicas.put(node, new Replica(node, new InMemoryStorage(), clock, maxSiblings, KvMetrics.NONE));
        }
        for (String node : nodes) {
            coordinators.put(node, new Coordinator(node, () -> RingView.stable(ring), replicas.get(node), new Transport(), metrics,
                    null, new ReadRepair(node, replicas.get(node), new Transport(), metrics, readRepair, NodeRuntime.SYSTEM), readFanOut.get(),
                    NodeRuntime.SYSTEM));
        }
    }

    List<String> replicasOf(String key) {
        return ring.preferenceList(key.getBytes(StandardCharsets.UTF_8));
    }

    VersionedValue stored(String node, String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return replicas.get(node).read(ring.partitionOf(bytes), bytes);
    }

    /** A node outside the key's preference list (needs more nodes than N). */
    String nonReplicaOf(String key) {
        return ring.nodes().stream().filter(n -> !replicasOf(key).contains(n)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private final class Transport implements ReplicaTransport {

        private <T> CompletableFuture<T> call(String node, java.util.function.Supplier<T> action) {
            if (unreachable.contains(node)) {
                return CompletableFuture.failedFuture(new ReplicaCallException(node, ReplicaCallException.Kind.UNREACHABLE,
                        "connection refused", null));
            }
            if (silent.contains(node)) {
                return new CompletableFuture<>();
            }
            return CompletableFuture.supplyAsync(action, executor);
        }

        @Override
        public CompletableFuture<VersionedValue> read(String node, String key, long timeoutMillis) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            return call(node, () -> {
                remoteReadsServed.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                return replicas.get(node).read(ring.partitionOf(bytes), bytes);
            });
        }

        @Override
        public CompletableFuture<Void> apply(String node, String key, VersionedValue delta, long timeoutMillis) {
            if (refusingJoins.contains(node)) {
                return CompletableFuture.failedFuture(new ReplicaCallException(node, ReplicaCallException.Kind.UNREACHABLE,
                        "circuit breaker is HALF_OPEN", null));
            }
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            return call(node, () -> {
                replicas.get(node).apply(ring.partitionOf(bytes), bytes, delta);
                return null;
            });
        }

        @Override
        public CompletableFuture<WriteResult> forwardWrite(String node, WriteCommand command, long timeoutMillis) {
            return call(node, () -> coordinators.get(node).write(command, timeoutMillis));
        }
    }
}
