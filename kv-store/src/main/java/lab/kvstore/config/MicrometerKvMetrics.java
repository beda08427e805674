package lab.kvstore.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.storage.ReplicaStorage;

/**
 * The store's meters (all {@code kv.*}, base units, no per-key tags):
 * {@code kv.operations{type,outcome}}, {@code kv.coordinator.latency{type}},
 * {@code kv.replica.latency{peer,type,outcome}}, {@code kv.read.siblings},
 * {@code kv.writes.with.siblings}, {@code kv.storage.write.latency}, {@code kv.storage.fsyncs},
 * {@code kv.storage.keys}, {@code kv.storage.bytes}.
 */
public final class MicrometerKvMetrics implements KvMetrics {

    private static final List<String> HINT_DROP_REASONS = List.of("full", "expired");
    private static final List<String> EXCHANGE_OUTCOMES = List.of("in-sync", "repaired", "failed");
    private static final List<String> READ_REPAIR_MODES = List.of("blocking", "async");
    private static final List<String> SPECULATION_REASONS = List.of("failed", "slow");

    private final MeterRegistry registry;
    private final DistributionSummary siblingsPerRead;
    private final Counter siblingsCreated;
    private final Timer storageWrites;

    public MicrometerKvMetrics(MeterRegistry registry, ReplicaStorage storage) {
        this.registry = registry;
        this.siblingsPerRead = DistributionSummary.builder("kv.read.siblings")
                .description("Siblings returned per read (0 absent, 1 a plain value, more: concurrent writes)")
                .serviceLevelObjectives(1, 2, 3, 4, 8, 16)
                .register(registry);
        this.siblingsCreated = Counter.builder("kv.writes.with.siblings")
                .description("Writes coordinated here that left earlier siblings in place")
                .register(registry);
        this.storageWrites = Timer.builder("kv.storage.write.latency")
                .description("Local durable writes (RocksDB put with a synced WAL)")
                .publishPercentileHistogram()
                .register(registry);
        FunctionCounter.builder("kv.storage.fsyncs", storage, ReplicaStorage::walSyncs)
                .description("WAL fsyncs; below kv.storage.write.latency's count when group commit shares them")
                .register(registry);
        Gauge.builder("kv.storage.keys", storage, ReplicaStorage::approximateKeys)
                .description("Keys held by this node (RocksDB estimate)")
                .register(registry);
        Gauge.builder("kv.storage.bytes", storage, ReplicaStorage::approximateBytes)
                .description("Bytes held by this node: SST files plus memtables")
                .baseUnit("bytes")
                .register(registry);
        for (String mode : READ_REPAIR_MODES) {
            registry.counter("kv.read.repairs", "mode", mode);
        }
        registry.counter("kv.tombstones.collected");
        for (String reason : SPECULATION_REASONS) {
            speculativeReadCounter(reason);
        }
    }

    private Counter speculativeReadCounter(String reason) {
        return Counter.builder("kv.read.speculative")
                .description("Reads that asked one more replica than R: one failed, or was slower than the recent p99")
                .tag("reason", reason)
                .register(registry);
    }

    @Override
    public void speculativeRead(String reason) {
        speculativeReadCounter(reason).increment();
    }

    @Override
    public void operation(String type, String outcome, long nanos) {
        Counter.builder("kv.operations")
                .description("Client operations coordinated by this node, by type and outcome")
                .tag("type", type)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("kv.coordinator.latency")
                .description("Client operation latency at the coordinator")
                .tag("type", type)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void replicaCall(String peer, String type, boolean answered, long nanos) {
        Timer.builder("kv.replica.latency")
                .description("Coordinator-to-replica calls (this node included), per replica")
                .tag("peer", peer)
                .tag("type", type)
                .tag("outcome", answered ? "ok" : "failed")
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void siblingsRead(int siblings) {
        siblingsPerRead.record(siblings);
    }

    @Override
    public void siblingsCreated() {
        siblingsCreated.increment();
    }

    @Override
    public void storageWrite(long nanos) {
        storageWrites.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Creates a peer's hint and anti-entropy counters at 0, so a dashboard panel or an alert on a
     * rare event reads 0 from the start instead of "No data" until the first one.
     */
    void registerPeer(String peer) {
        registry.counter("kv.hints.written", "target", peer);
        registry.counter("kv.hints.replayed", "target", peer);
        for (String reason : HINT_DROP_REASONS) {
            registry.counter("kv.hints.dropped", "target", peer, "reason", reason);
        }
        for (String outcome : EXCHANGE_OUTCOMES) {
            registry.counter("kv.antientropy.exchanges", "peer", peer, "outcome", outcome);
        }
        registry.counter("kv.antientropy.segments.differing", "peer", peer);
        registry.counter("kv.antientropy.keys.repaired", "peer", peer);
    }

    @Override
    public void hintWritten(String target) {
        registry.counter("kv.hints.written", "target", target).increment();
    }

    @Override
    public void hintReplayed(String target) {
        registry.counter("kv.hints.replayed", "target", target).increment();
    }

    @Override
    public void hintDropped(String target, String reason) {
        registry.counter("kv.hints.dropped", "target", target, "reason", reason).increment();
    }

    @Override
    public void readRepair(String mode) {
        registry.counter("kv.read.repairs", "mode", mode).increment();
    }

    @Override
    public void antiEntropyExchange(String peer, String outcome, int segmentsDiffering, int keysRepaired) {
        registry.counter("kv.antientropy.exchanges", "peer", peer, "outcome", outcome).increment();
        registry.counter("kv.antientropy.segments.differing", "peer", peer).increment(segmentsDiffering);
        registry.counter("kv.antientropy.keys.repaired", "peer", peer).increment(keysRepaired);
    }

    @Override
    public void tombstonesCollected(int count) {
        registry.counter("kv.tombstones.collected").increment(count);
    }
}
