package lab.idgen.core;

import java.time.Instant;

/**
 * A worker ID this node holds for a while: the right to issue IDs carrying {@link #workerId()}.
 * The worker lease (ZooKeeperWorkerLease) creates it when it acquires the ID and keeps two values current:
 * <ul>
 *   <li>{@link #validUntilNanos()}, the monotonic instant until which the lease is provably held
 *       (the coordination store's session cannot have expired yet, minus a safety margin); the
 *       generator refuses to issue past it;</li>
 *   <li>{@link #reservedUntilMillis()}, the ID time up to which the worker's shared record allows
 *       this holder to issue (so a later holder of the same worker ID starts above it).</li>
 * </ul>
 * {@link #epoch()} counts the acquisitions of this worker ID across the cluster (a fencing epoch):
 * a holder whose epoch is not the newest can no longer write the worker's record.
 */
public final class Lease {

    private final int workerId;
    private final long epoch;
    private final Instant acquiredAt;
    private volatile long validUntilNanos;
    private volatile long reservedUntilMillis;
    private volatile boolean lost;

    public Lease(int workerId, long epoch, Instant acquiredAt, long validUntilNanos, long reservedUntilMillis) {
        this.workerId = workerId;
        this.epoch = epoch;
        this.acquiredAt = acquiredAt;
        this.validUntilNanos = validUntilNanos;
        this.reservedUntilMillis = reservedUntilMillis;
    }

    public int workerId() {
        return workerId;
    }

    public long epoch() {
        return epoch;
    }

    public Instant acquiredAt() {
        return acquiredAt;
    }

    public long validUntilNanos() {
        return validUntilNanos;
    }

    public long reservedUntilMillis() {
        return reservedUntilMillis;
    }

    public boolean lost() {
        return lost;
    }

    /** Whether IDs may be issued under this lease at this monotonic instant. */
    public boolean validAt(long nanoTime) {
        return !lost && nanoTime - validUntilNanos < 0;
    }

    /** Moves validity forward only: a late, stale renewal never shortens it wrongly nor extends it backwards. */
    public void extendValidity(long untilNanos) {
        synchronized (this) {
            if (untilNanos - validUntilNanos > 0) {
                validUntilNanos = untilNanos;
            }
        }
    }

    public void raiseReservation(long untilMillis) {
        synchronized (this) {
            if (untilMillis > reservedUntilMillis) {
                reservedUntilMillis = untilMillis;
            }
        }
    }

    /** The lease is gone for good (session expired, node deleted, fenced): never valid again. */
    public void markLost() {
        lost = true;
    }

    @Override
    public String toString() {
        return "worker " + workerId + " (epoch " + epoch + ")";
    }
}
