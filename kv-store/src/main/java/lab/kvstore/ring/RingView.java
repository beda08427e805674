package lab.kvstore.ring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rings a request uses. {@code current} is the ring of NORMAL and LEAVING nodes: reads go to
 * its preference lists and writes are coordinated by its replicas. While a node joins or leaves,
 * {@code next} is the ring as it will be, and a write must reach a quorum of both preference
 * lists (joint quorum), so nothing acknowledged during the move depends on the stream's timing.
 */
public record RingView(Ring current, Ring next) {

    public static RingView stable(Ring ring) {
        return new RingView(ring, null);
    }

    public boolean changing() {
        return next != null;
    }

    /** The owners a write's quorum is counted in: the current list, then the next one if it differs. */
    public List<List<String>> writeQuorumSets(int partition) {
        List<String> now = current.preferenceList(partition);
        if (next == null || next.preferenceList(partition).equals(now)) {
            return List.of(now);
        }
        return List.of(now, next.preferenceList(partition));
    }

    /** Every node a write goes to: current owners first, then the ones joining the partition. */
    public List<String> writeSet(int partition) {
        Set<String> all = new LinkedHashSet<>();
        writeQuorumSets(partition).forEach(all::addAll);
        return new ArrayList<>(all);
    }

    /** Nodes after the write set, clockwise on the current ring: the sloppy quorum's fallbacks. */
    public List<String> fallbacks(int partition) {
        List<String> writeSet = writeSet(partition);
        return current.fallbacks(partition).stream().filter(n -> !writeSet.contains(n)).toList();
    }
}
