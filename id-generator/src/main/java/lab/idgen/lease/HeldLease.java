package lab.idgen.lease;

import java.util.concurrent.TimeUnit;
import lab.idgen.core.Lease;

/**
 * A lease this node holds, with the ZooKeeper session it belongs to and the version of the
 * worker record it last wrote (every later write is checked against it: the fencing).
 */
final class HeldLease {

    final Lease lease;
    final long sessionId;
    final long sessionTimeoutMillis;
    /** How long one successful probe proves the lease valid: the session timeout minus the margin. */
    final long validityNanos;
    /** How far ahead of the clock the worker's mark is raised. */
    final long windowMillis;
    /** The mark is raised again when less than this is left ahead of the clock. */
    final long thresholdMillis;
    int recordVersion;

    HeldLease(Lease lease, long sessionId, long sessionTimeoutMillis, LeaseSettings settings, int recordVersion) {
        this.lease = lease;
        this.sessionId = sessionId;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.validityNanos = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMillis - settings.safetyMargin().toMillis());
        long probe = settings.probeInterval().toMillis();
        // Far enough ahead that a holder cut off from ZooKeeper loses validity before it reaches the mark.
        this.windowMillis = sessionTimeoutMillis + settings.safetyMargin().toMillis() + 2 * probe;
        this.thresholdMillis = sessionTimeoutMillis + probe;
        this.recordVersion = recordVersion;
    }

    /** The window and validity a lease taken in a session of this timeout would get. */
    static HeldLease shapeFor(long sessionTimeoutMillis, LeaseSettings settings) {
        return new HeldLease(null, 0, sessionTimeoutMillis, settings, 0);
    }
}
