package lab.idgen.lease;

import java.time.Instant;
import java.util.List;

/** What the node believes about its lease right now (the operator API and the health check). */
public record LeaseView(String state, Integer workerId, Long epoch, Integer fencingVersion, Instant acquiredAt, Instant validUntil,
                        long remainingMillis, String sessionId, Long sessionTimeoutMillis, long safetyMarginMillis,
                        Long reservedUntilMillis, String status, int freeWorkerIds, int workerIdCount,
                        List<LeaseHistory.Entry> history) {
}
