package lab.kvstore.replication;

import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import lab.kvstore.storage.ReplicaStorage;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.ContextClaims;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/**
 * This node's replica of the keys it holds: reads, joins of incoming deltas, and the one step of
 * a write only a replica may do, minting the write's dot. Every read-modify-write of a key runs
 * under that key's lock stripe, so two writes coordinated here never mint the same dot.
 */
public final class Replica {

    private static final int LOCK_STRIPES = 1024;

    private final String nodeId;
    private final ReplicaStorage storage;
    private final Clock clock;
    private final int maxSiblings;
    private final KvMetrics metrics;
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];

    public Replica(String nodeId, ReplicaStorage storage, Clock clock, int maxSiblings, KvMetrics metrics) {
        if (maxSiblings < 1) {
            throw new IllegalArgumentException("max-siblings must be at least 1, got " + maxSiblings);
        }
        this.nodeId = nodeId;
        this.storage = storage;
        this.clock = clock;
        this.maxSiblings = maxSiblings;
        this.metrics = metrics;
        Arrays.setAll(stripes, i -> new ReentrantLock());
    }

    public VersionedValue read(int partition, byte[] key) {
        return storage.read(partition, key);
    }

    /**
     * Mints a dot for the write, joins the write into the stored value and stores it durably, all
     * before the dot leaves this node: a dot sent out before it was on disk could be minted again
     * after a crash for a different value. Returns the delta to send to the other replicas.
     */
    public VersionedValue coordinateWrite(int partition, byte[] key, WriteCommand command) {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            VersionedValue stored = storage.read(partition, key);
            // A claim far past every dot this replica saw is cut down, so counters never jump towards overflow.
            CausalContext seen = ContextClaims.bounded(command.context(), stored.context());
            int surviving = stored.siblingsSurviving(seen);
            if (surviving + 1 > maxSiblings) {
                throw new TooManySiblingsException(surviving + 1, maxSiblings);
            }
            Dot dot = stored.nextDot(nodeId, seen);
            long now = clock.millis();
            Sibling sibling = command.delete()
                    ? Sibling.tombstone(now)
                    : new Sibling(command.value(), command.contentType(), now, false);
            VersionedValue delta = VersionedValue.write(dot, sibling, seen);
            store(partition, key, stored.join(delta));
            if (surviving > 0) {
                metrics.siblingsCreated();
            }
            return delta;
        } finally {
            lock.unlock();
        }
    }

    /** Joins a delta (or a whole value) from another node; stores only if it changed anything. */
    public void apply(int partition, byte[] key, VersionedValue incoming) {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            VersionedValue stored = storage.read(partition, key);
            VersionedValue joined = stored.join(incoming);
            if (!joined.equals(stored)) {
                store(partition, key, joined);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the key only if it still holds exactly {@code expected} (under the key's lock, so a
     * write that arrived since the caller looked is never collected with it). Returns whether it did.
     */
    public boolean deleteIfUnchanged(int partition, byte[] key, VersionedValue expected) {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            if (!storage.read(partition, key).equals(expected)) {
                return false;
            }
            storage.delete(partition, key);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every key of a partition that is unchanged since the scan (a write joined in
     * meanwhile keeps its key); returns how many went. Only for a partition this node does not
     * replicate: the caller checks that.
     */
    public int dropPartition(int partition) {
        int dropped = 0;
        for (lab.kvstore.storage.StoredEntry entry : storage.scan(partition)) {
            if (deleteIfUnchanged(partition, entry.key(), entry.value())) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Every key of a partition, in key order. */
    public java.util.List<lab.kvstore.storage.StoredEntry> scan(int partition) {
        return storage.scan(partition);
    }

    public String nodeId() {
        return nodeId;
    }

    private void store(int partition, byte[] key, VersionedValue value) {
        long start = System.nanoTime();
        storage.write(partition, key, value);
        metrics.storageWrite(System.nanoTime() - start);
    }

    private ReentrantLock lockFor(byte[] key) {
        return stripes[Math.floorMod(Arrays.hashCode(key), LOCK_STRIPES)];
    }
}
