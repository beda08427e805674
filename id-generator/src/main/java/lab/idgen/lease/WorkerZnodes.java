package lab.idgen.lease;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The znodes of the lease protocol: {@code <root>/leases/<w>} (ephemeral, owned by the holder's
 * session) and {@code <root>/workers/<w>} (persistent {@link WorkerRecord}, written only with a
 * version check). Reads and writes only; the decisions are {@link ZooKeeperWorkerLease}'s.
 */
final class WorkerZnodes {

    private static final Logger log = LoggerFactory.getLogger(WorkerZnodes.class);

    /** A worker record and the znode version it was read at. */
    record VersionedRecord(WorkerRecord record, int version) {
    }

    private final CuratorFramework client;
    private final LeaseSettings settings;

    WorkerZnodes(CuratorFramework client, LeaseSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    Set<Integer> leasedWorkerIds() throws Exception {
        Set<Integer> taken = new HashSet<>();
        try {
            for (String child : client.getChildren().forPath(settings.leasesPath())) {
                try {
                    taken.add(Integer.parseInt(child));
                } catch (NumberFormatException ignored) {
                    // Not ours.
                }
            }
        } catch (KeeperException.NoNodeException none) {
            // Nobody ever leased a worker ID.
        }
        return taken;
    }

    /** The worker's record, or null if no node ever held it. */
    VersionedRecord readRecord(int workerId) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(settings.workerPath(workerId));
            return new VersionedRecord(WorkerRecord.parse(data), stat.getVersion());
        } catch (KeeperException.NoNodeException none) {
            return null;
        }
    }

    /** Creates the lease znode if it is free; true when it exists and belongs to {@code sessionId}. */
    boolean createLease(int workerId, long sessionId) throws Exception {
        String path = settings.leasePath(workerId);
        byte[] data = ("node=" + settings.nodeId() + "\nacquiredAt=" + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
        } catch (KeeperException.NodeExistsException e) {
            // Someone else's, or ours from a create whose answer was lost: the owner decides.
        }
        return ownedBy(workerId, sessionId);
    }

    /** True while the lease znode exists and belongs to {@code sessionId}. */
    boolean ownedBy(int workerId, long sessionId) throws Exception {
        Long owner = leaseOwner(workerId);
        return owner != null && owner == sessionId;
    }

    /** The session owning the lease znode, or null when there is none. */
    Long leaseOwner(int workerId) throws Exception {
        Stat stat = client.checkExists().forPath(settings.leasePath(workerId));
        return stat == null ? null : stat.getEphemeralOwner();
    }

    /**
     * Writes the worker's record: creates it when {@code expectedVersion} is null, else replaces
     * the version read. Returns the new version; a lost race throws
     * {@link KeeperException.NodeExistsException}, {@link KeeperException.BadVersionException} or
     * {@link KeeperException.NoNodeException}.
     */
    int writeRecord(int workerId, WorkerRecord record, Integer expectedVersion) throws Exception {
        String path = settings.workerPath(workerId);
        if (expectedVersion == null) {
            client.create().creatingParentsIfNeeded().forPath(path, record.toBytes());
            return 0;
        }
        return client.setData().withVersion(expectedVersion).forPath(path, record.toBytes()).getVersion();
    }

    /** Deletes the lease znode if {@code sessionId} still owns it, so the worker ID is free at once. */
    void deleteLeaseIfOwned(int workerId, long sessionId) {
        String path = settings.leasePath(workerId);
        try {
            Stat stat = client.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == sessionId) {
                client.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (Exception e) {
            log.debug("Could not delete {}: {}", path, e.toString());
        }
    }
}
