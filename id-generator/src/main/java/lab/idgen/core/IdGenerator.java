package lab.idgen.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The Snowflake algorithm of one node, in plain Java with its clocks passed in.
 *
 * <p>Invariants it keeps, whatever the clock does:
 * <ul>
 *   <li>IDs are strictly increasing per node: each new ID has a later millisecond than the last,
 *       or the same millisecond with a higher sequence. When the 4 096 sequence values of a
 *       millisecond are used up it waits for the next millisecond (spinning, not sleeping: a
 *       sleep would overshoot and waste the next millisecond's capacity).</li>
 *   <li>Time never goes backwards for issued IDs. If the clock reads earlier than the last
 *       issued ID, by at most {@code maxBackwardMillis}, the generator keeps issuing in the last
 *       millisecond and, when that is full, <em>borrows</em> the next one ahead of the clock: a
 *       small rollback is absorbed without a stall. Past the bound it refuses at once
 *       ({@link IdRefusedException.Reason#CLOCK_ROLLBACK}), never an hours-long wait.</li>
 *   <li>No ID is issued without a valid {@link Lease} on its worker ID, and no ID carries a time
 *       above the persisted high-water marks (the node's local one, {@link #raiseLocalLimit},
 *       and the worker's shared one, {@link Lease#reservedUntilMillis()}). A node that restarts
 *       starts above its local mark; a node that takes over a worker ID starts above the
 *       previous holder's mark ({@link #assign}).</li>
 * </ul>
 * A batch is issued under one lock, so it is a contiguous run from this node.
 */
public final class IdGenerator {

    /** How long to spin for the next millisecond before treating the clock as stalled. */
    static final long DEFAULT_STALL_NANOS = 50_000_000L;

    private final IdLayout layout;
    private final TimeSource time;
    private final long maxBackwardMillis;
    private final long stallNanos;
    private final long maxSequence;
    private final LongConsumer rollbackListener;

    // Guarded by this.
    private Lease lease;
    private long lastMillis;
    private long sequence;
    private long lastClockReading;
    private long issued;
    private long sequenceWaits;
    private long rollbacks;
    private long borrowedMillis;
    private final long[] refusals = new long[IdRefusedException.Reason.values().length];

    private volatile long localLimitMillis;

    /**
     * @param floorMillis       the persisted high-water mark: every ID issued before this start
     *                          has a time at or below it, so new IDs start above it
     * @param maxBackwardMillis how far behind the last issued ID the clock may be and still be
     *                          absorbed (also how far ahead of the clock the generator may borrow)
     * @param rollbackListener  told the size in milliseconds of every backward clock step seen
     */
    public IdGenerator(IdLayout layout, TimeSource time, long maxBackwardMillis, long floorMillis, LongConsumer rollbackListener) {
        this(layout, time, maxBackwardMillis, floorMillis, rollbackListener, DEFAULT_STALL_NANOS);
    }

    IdGenerator(IdLayout layout, TimeSource time, long maxBackwardMillis, long floorMillis, LongConsumer rollbackListener,
                long stallNanos) {
        if (maxBackwardMillis < 0) {
            throw new IllegalArgumentException("maxBackwardMillis must not be negative");
        }
        this.layout = Objects.requireNonNull(layout);
        this.time = Objects.requireNonNull(time);
        this.maxBackwardMillis = maxBackwardMillis;
        this.stallNanos = stallNanos;
        this.maxSequence = layout.maxSequence();
        this.rollbackListener = rollbackListener == null ? millis -> { } : rollbackListener;
        this.lastMillis = floorMillis;
        this.sequence = maxSequence;
        this.lastClockReading = time.currentMillis();
        this.localLimitMillis = floorMillis;
    }

    /** IDs of one request, all under one worker ID. */
    public record Batch(long[] ids, int workerId, long leaseEpoch) {
    }

    public IdLayout layout() {
        return layout;
    }

    public long maxBackwardMillis() {
        return maxBackwardMillis;
    }

    /** Issues {@code count} IDs as one contiguous, strictly increasing run. */
    public synchronized Batch issue(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        Lease held = requireLease();
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = next(held);
        }
        issued += count;
        return new Batch(ids, held.workerId(), held.epoch());
    }

    /** One ID. */
    public synchronized long nextId() {
        Lease held = requireLease();
        long id = next(held);
        issued++;
        return id;
    }

    private Lease requireLease() {
        Lease held = lease;
        if (held == null) {
            throw refuse(IdRefusedException.noLease("this node holds no worker ID lease (waiting for the coordination store)"));
        }
        if (!held.validAt(time.nanoTime())) {
            throw refuse(IdRefusedException.noLease("the lease on worker ID " + held.workerId()
                    + " can no longer be proven valid (the coordination store has not answered within the session timeout minus the safety margin)"));
        }
        return held;
    }

    private long next(Lease held) {
        for (;;) {
            long now = readClock();
            if (now > lastMillis) {
                lastMillis = now;
                sequence = 0;
                break;
            }
            long behind = lastMillis - now;
            if (behind > maxBackwardMillis) {
                throw refuse(IdRefusedException.clockRollback(behind, maxBackwardMillis));
            }
            if (sequence < maxSequence) {
                sequence++;
                break;
            }
            if (behind == 0) {
                // This millisecond is full: wait for the next one.
                sequenceWaits++;
                if (spinUntilAfter(lastMillis)) {
                    continue;
                }
                // The clock does not move (frozen or stepped back while we waited): borrow below.
            }
            if (behind + 1 > maxBackwardMillis) {
                // Borrowing one more millisecond would go past the bound: wait for the clock to catch up one.
                if (spinUntilAfter(lastMillis - maxBackwardMillis)) {
                    continue;
                }
                throw refuse(IdRefusedException.clockStalled(behind));
            }
            // The clock is behind the last issued ID but within the bound: borrow the next millisecond.
            lastMillis++;
            sequence = 0;
            borrowedMillis++;
            break;
        }
        long limit = Math.min(localLimitMillis, held.reservedUntilMillis());
        if (lastMillis > limit) {
            throw refuse(IdRefusedException.notReserved(lastMillis, limit));
        }
        if (!layout.encodable(lastMillis)) {
            throw refuse(IdRefusedException.outsideLayout(lastMillis, layout));
        }
        return layout.encode(lastMillis, held.workerId(), sequence);
    }

    private long readClock() {
        long now = time.currentMillis();
        if (now < lastClockReading) {
            rollbacks++;
            rollbackListener.accept(lastClockReading - now);
        }
        lastClockReading = now;
        return now;
    }

    /** Spins until the clock reads later than {@code millis}; false when it has not within the stall bound. */
    private boolean spinUntilAfter(long millis) {
        long start = time.nanoTime();
        while (time.currentMillis() <= millis) {
            if (time.nanoTime() - start > stallNanos) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    private IdRefusedException refuse(IdRefusedException refusal) {
        refusals[refusal.reason().ordinal()]++;
        return refusal;
    }

    /** Reads the clock outside a request, so a rollback is seen (and counted) on an idle node too. */
    public synchronized void observeClock() {
        readClock();
    }

    /**
     * Starts issuing under a (new) lease. {@code floorMillis} is the worker's shared high-water
     * mark left by its previous holders: every ID they issued has a time at or below it. The next
     * ID of this node is in a later millisecond than both that mark and this node's own last ID,
     * so IDs stay strictly increasing per node even across a change of worker ID.
     */
    public synchronized void assign(Lease newLease, long floorMillis) {
        if (floorMillis > lastMillis) {
            lastMillis = floorMillis;
        }
        sequence = maxSequence;
        lease = Objects.requireNonNull(newLease);
    }

    /** Stops issuing; returns the time of the last issued ID (a mark that is safe to persist as final). */
    public synchronized long revoke() {
        lease = null;
        return lastMillis;
    }

    /** Stops issuing under this lease if it is still the current one. */
    public synchronized void revoke(Lease old) {
        if (lease == old) {
            lease = null;
        }
    }

    public synchronized Lease lease() {
        return lease;
    }

    /** Raises the local high-water mark after it has been made durable. */
    public void raiseLocalLimit(long millis) {
        synchronized (this) {
            if (millis > localLimitMillis) {
                localLimitMillis = millis;
            }
        }
    }

    public long localLimitMillis() {
        return localLimitMillis;
    }

    /** The time of the last issued ID (or the floor the node started from). */
    public synchronized long lastMillis() {
        return lastMillis;
    }

    public synchronized State state() {
        long now = time.currentMillis();
        return new State(lease, lastMillis, sequence, now, localLimitMillis);
    }

    public synchronized Stats stats() {
        Map<IdRefusedException.Reason, Long> byReason = new EnumMap<>(IdRefusedException.Reason.class);
        for (IdRefusedException.Reason reason : IdRefusedException.Reason.values()) {
            byReason.put(reason, refusals[reason.ordinal()]);
        }
        return new Stats(issued, sequenceWaits, rollbacks, borrowedMillis, byReason);
    }

    /** What the generator believes, for the operator API. */
    public record State(Lease lease, long lastMillis, long sequence, long clockMillis, long localLimitMillis) {

        /** How far ahead of the clock the last ID is (borrowed time after a rollback); 0 when none. */
        public long aheadOfClockMillis() {
            return Math.max(0, lastMillis - clockMillis);
        }
    }

    /** Counters since start. */
    public record Stats(long issued, long sequenceWaits, long rollbacks, long borrowedMillis,
                        Map<IdRefusedException.Reason, Long> refusals) {
    }
}
