package lab.kvstore.repair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.version.VersionedValue;

/**
 * Read repair: a replica whose copy differs from the join a read returns is sent that join (the
 * same idempotent replica join as every other path). For the replicas of the read quorum the
 * read waits for the repair: once a read returned a value, every replica that answered it holds
 * that value, and any later quorum shares at least one of them, so two successive quorum reads
 * never go backwards. Replicas that answered after the quorum are repaired in the background.
 */
public final class ReadRepair {

    private final String self;
    private final Replica local;
    private final ReplicaTransport transport;
    private final KvMetrics metrics;
    private final boolean enabled;
    private final NodeRuntime runtime;

    public ReadRepair(String self, Replica local, ReplicaTransport transport, KvMetrics metrics, boolean enabled,
                      NodeRuntime runtime) {
        this.self = self;
        this.local = local;
        this.transport = transport;
        this.metrics = metrics;
        this.enabled = enabled;
        this.runtime = runtime;
    }

    /**
     * Brings every quorum answer up to {@code merged}; returns the replicas that could not be
     * repaired before the deadline (empty when all hold it).
     */
    public List<String> repairQuorum(int partition, String key, byte[] keyBytes, Map<String, VersionedValue> answers,
                                     VersionedValue merged, long deadlineNanos) {
        List<String> failed = new ArrayList<>();
        if (!enabled) {
            return failed;
        }
        List<Map.Entry<String, CompletableFuture<Void>>> repairs = new ArrayList<>();
        answers.forEach((node, answer) -> {
            if (!answer.equals(merged)) {
                repairs.add(Map.entry(node, send(partition, key, keyBytes, node, merged, deadlineNanos)));
                metrics.readRepair("blocking");
            }
        });
        for (Map.Entry<String, CompletableFuture<Void>> repair : repairs) {
            try {
                runtime.waiter().get(repair.getValue(), deadlineNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(repair.getKey());
            } catch (Exception e) {
                failed.add(repair.getKey());
            }
        }
        return failed;
    }

    /** A replica answered after the quorum: repair it in the background if it is behind. */
    public void repairLate(int partition, String key, byte[] keyBytes, String node, VersionedValue answer,
                           VersionedValue merged, long timeoutMillis) {
        if (!enabled) {
            return;
        }
        VersionedValue target = answer.join(merged);
        if (!answer.equals(target)) {
            metrics.readRepair("async");
            send(partition, key, keyBytes, node, target, runtime.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
    }

    private CompletableFuture<Void> send(int partition, String key, byte[] keyBytes, String node, VersionedValue value,
                                         long deadlineNanos) {
        if (node.equals(self)) {
            local.apply(partition, keyBytes, value);
            return CompletableFuture.completedFuture(null);
        }
        return transport.apply(node, key, value, runtime.remainingMillis(deadlineNanos));
    }

    public boolean enabled() {
        return enabled;
    }
}
