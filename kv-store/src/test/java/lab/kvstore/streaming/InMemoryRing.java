package lab.kvstore.streaming;

import java.net.URI;
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
import java.util.concurrent.atomic.AtomicLong;
import lab.kvstore.replication.Coordinator;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.ReplicaCallException;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.replication.WriteResult;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.RingStateStore;
import lab.kvstore.storage.InMemoryStorage;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionedValue;
import lab.platform.internode.Peer;

/**
 * Nodes in one JVM for deterministic ring-change tests: each a Membership, a Replica on memory
 * and a Coordinator that follows its node's ring view; every call is synchronous, a node in
 * {@link #down} refuses it, and time is a counter the sleeper advances.
 */
final class InMemoryRing {

    static final int PARTITIONS = 64;

    final Map<String, Membership> memberships = new LinkedHashMap<>();
    final Map<String, Replica> replicas = new LinkedHashMap<>();
    final Map<String, Coordinator> coordinators = new LinkedHashMap<>();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final AtomicLong nanos = new AtomicLong();
    /** Runs on every partition fetch: where a test interleaves client writes with a stream. */
    Runnable onFetch = () -> { };
    /** Runs on every sleep of a ring change (announcement retries, the drain, the pacer). */
    Runnable onSleep = () -> { };

    InMemoryRing(List<String> seeds, List<String> others) {
        List<Peer> seedPeers = seeds.stream().map(n -> Peer.of(n, url(n).toString())).toList();
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        for (String node : concat(seeds, others)) {
            Membership membership = new Membership(node, url(node), seedPeers, PARTITIONS, 16, 3, RingStateStore.NONE);
            memberships.put(node, membership);
            replicas.put(node, new Replica(node, new InMemoryStorage(), clock, 8, KvMetrics.NONE));
            coordinators.put(node, new Coordinator(node, membership::view, replicas.get(node), new Transport(), KvMetrics.NONE,
                    null, new lab.kvstore.repair.ReadRepair(node, replicas.get(node), new Transport(), KvMetrics.NONE, false,
                    lab.kvstore.runtime.NodeRuntime.SYSTEM), lab.kvstore.replication.ReadFanOut.all(),
                    lab.kvstore.runtime.NodeRuntime.SYSTEM));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    static URI url(String node) {
        return URI.create("http://127.0.0.1:" + (8300 + Integer.parseInt(node.substring(3))));
    }

    RingChange driver(String node, long bytesPerSecond) {
        Sleeper sleeper = n -> {
            onSleep.run();
            nanos.addAndGet(n);
        };
        BytePacer pacer = new BytePacer(bytesPerSecond, nanos::get, sleeper);
        StreamProgress progress = new StreamProgress(nanos::get);
        PartitionStreamer streamer = new PartitionStreamer(new Streams(), pacer, progress, 4096, 1000);
        RingChange.Broadcast broadcast = (target, timeout) -> {
            refuseIfDown(target);
            memberships.get(target).merge(memberships.get(node).state());
            return memberships.get(target).state();
        };
        return new RingChange(memberships.get(node), broadcast, streamer, progress, sleeper, 2000, 100, 1000);
    }

    /** Every node hears every other (what gossip does given a few rounds). */
    void gossipUntilConverged() {
        for (int round = 0; round < 2; round++) {
            for (Membership a : memberships.values()) {
                for (Membership b : memberships.values()) {
                    a.merge(b.state());
                }
            }
        }
    }

    WriteResult write(String via, String key, String value) {
        return coordinators.get(via).write(WriteCommand.put(key, value.getBytes(StandardCharsets.UTF_8), "text/plain",
                coordinators.get(via).read(key, 1, 1000).merged().context(), 2), 1000);
    }

    VersionedValue stored(String node, String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return replicas.get(node).read(memberships.get(node).ring().partitionOf(bytes), bytes);
    }

    private void refuseIfDown(String node) {
        if (down.contains(node)) {
            throw new ReplicaCallException(node, ReplicaCallException.Kind.UNREACHABLE, "down", null);
        }
    }

    private final class Transport implements ReplicaTransport {

        private <T> CompletableFuture<T> call(String node, java.util.function.Supplier<T> action) {
            try {
                refuseIfDown(node);
                return CompletableFuture.completedFuture(action.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<VersionedValue> read(String node, String key, long timeoutMillis) {
            return call(node, () -> stored(node, key));
        }

        @Override
        public CompletableFuture<Void> apply(String node, String key, VersionedValue delta, long timeoutMillis) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            return call(node, () -> {
                replicas.get(node).apply(memberships.get(node).ring().partitionOf(bytes), bytes, delta);
                return null;
            });
        }

        @Override
        public CompletableFuture<WriteResult> forwardWrite(String node, WriteCommand command, long timeoutMillis) {
            return call(node, () -> coordinators.get(node).write(command, timeoutMillis));
        }
    }

    private final class Streams implements StreamTransport {

        @Override
        public List<StoredEntry> fetch(String node, int partition, long timeoutMillis) {
            refuseIfDown(node);
            onFetch.run();
            return replicas.get(node).scan(partition);
        }

        @Override
        public void push(String node, int partition, List<StoredEntry> entries, long timeoutMillis) {
            refuseIfDown(node);
            entries.forEach(e -> replicas.get(node).apply(partition, e.key(), e.value()));
        }

        @Override
        public void dropStaleCopy(String node, int partition, long timeoutMillis) {
            refuseIfDown(node);
            if (memberships.get(node).ring().preferenceList(partition).contains(node)) {
                throw new IllegalStateException(node + " replicates " + partition);
            }
            replicas.get(node).dropPartition(partition);
        }
    }
}
