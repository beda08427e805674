package lab.idgen.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The lease's meters: what a dashboard shows while ZooKeeper or a node is broken on purpose. */
final class LeaseMetrics {

    private static final List<String> LOSS_REASONS = List.of("session-expired", "node-deleted", "fenced", "shutdown");

    private final MeterRegistry meters;
    final Counter acquisitions;
    final Counter recordWrites;
    final Counter recordWriteFailures;

    LeaseMetrics(MeterRegistry meters, ZooKeeperWorkerLease lease) {
        this.meters = meters;
        this.acquisitions = Counter.builder("idgen.lease.acquisitions").description("Worker ID leases acquired").register(meters);
        this.recordWrites = Counter.builder("idgen.hwm.writes").tag("store", "zookeeper")
                .description("Writes of a time high-water mark (local file or the worker's ZooKeeper record)").register(meters);
        this.recordWriteFailures = Counter.builder("idgen.hwm.write.failures").tag("store", "zookeeper")
                .description("Failed writes of a time high-water mark").register(meters);
        for (String reason : LOSS_REASONS) {
            loss(reason);
        }
        Gauge.builder("idgen.lease.valid", lease, l -> l.validNow() ? 1 : 0)
                .description("1 while the node holds a lease it can prove valid, else 0").register(meters);
        Gauge.builder("idgen.lease.remaining", lease, l -> l.remainingMillis() / 1000.0).baseUnit("seconds")
                .description("How long the lease stays provably valid without another answer from ZooKeeper").register(meters);
        Gauge.builder("idgen.lease.worker.id", lease, l -> l.heldWorkerId())
                .description("The leased worker ID, -1 when none").register(meters);
        Gauge.builder("idgen.lease.epoch", lease, l -> l.heldEpoch())
                .description("The fencing epoch of the held lease").register(meters);
        Gauge.builder("idgen.lease.free.workers", lease, l -> l.freeWorkerIds())
                .description("Worker IDs not leased by any node, as last seen (-1 before the first look)").register(meters);
    }

    Counter loss(String reason) {
        if (!LOSS_REASONS.contains(reason)) {
            throw new IllegalArgumentException("unknown lease loss reason " + reason);
        }
        return Counter.builder("idgen.lease.losses").tag("reason", reason).description("Worker ID leases lost or given up").register(meters);
    }
}
