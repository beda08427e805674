package lab.idgen.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * @param root            the ZooKeeper path under which leases and worker records live
 * @param nodeId          this node's name, written into its lease and records
 * @param workerIdCount   how many worker IDs the layout has (1024 for 10 bits)
 * @param safetyMargin    the node stops issuing this long before its session could have expired
 * @param probeInterval   how often the node proves its session alive (must be below the margin)
 * @param maxBackward     how far ahead of the clock a worker's mark may be for the node to take it over
 * @param preferredWorkerId the worker ID to ask for first (the one held before a restart), or -1
 */
public record LeaseSettings(String root, String nodeId, int workerIdCount, Duration safetyMargin, Duration probeInterval,
                            Duration maxBackward, int preferredWorkerId) {

    public LeaseSettings {
        Objects.requireNonNull(root);
        Objects.requireNonNull(nodeId);
        if (!root.startsWith("/") || root.endsWith("/")) {
            throw new IllegalArgumentException("the ZooKeeper root must start with '/' and not end with one: " + root);
        }
        if (probeInterval.isNegative() || probeInterval.isZero() || probeInterval.compareTo(safetyMargin) >= 0) {
            throw new IllegalArgumentException("the lease probe interval (" + probeInterval
                    + ") must be positive and shorter than the safety margin (" + safetyMargin + ")");
        }
    }

    public String leasesPath() {
        return root + "/leases";
    }

    public String workersPath() {
        return root + "/workers";
    }

    public String leasePath(int workerId) {
        return leasesPath() + "/" + workerId;
    }

    public String workerPath(int workerId) {
        return workersPath() + "/" + workerId;
    }
}
