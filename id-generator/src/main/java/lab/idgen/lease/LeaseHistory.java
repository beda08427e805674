package lab.idgen.lease;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last leases this node held, newest first, for the operator API and for tests that check
 * that two nodes never held one worker ID at the same time (each entry says until when the lease
 * was provably valid, not merely when the node noticed it was gone).
 */
public final class LeaseHistory {

    private static final int SIZE = 20;

    /** One lease this node held. */
    public record Entry(int workerId, long epoch, Instant acquiredAt, Instant endedAt, Instant lastValidAt, String endReason) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    synchronized void started(int workerId, long epoch, Instant acquiredAt) {
        entries.addFirst(new Entry(workerId, epoch, acquiredAt, null, null, null));
        while (entries.size() > SIZE) {
            entries.removeLast();
        }
    }

    /** Closes the open entry of this lease; {@code lastValid} later than now is cut to now. */
    synchronized void ended(int workerId, long epoch, String reason, Instant lastValid) {
        Instant now = Instant.now();
        Instant end = lastValid.isBefore(now) ? lastValid : now;
        List<Entry> copy = new ArrayList<>(entries);
        entries.clear();
        for (Entry e : copy) {
            if (e.endedAt() == null && e.workerId() == workerId && e.epoch() == epoch) {
                e = new Entry(e.workerId(), e.epoch(), e.acquiredAt(), now, end, reason);
            }
            entries.addLast(e);
        }
    }

    synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }
}
