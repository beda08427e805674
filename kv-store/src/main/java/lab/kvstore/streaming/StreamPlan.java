package lab.kvstore.streaming;

import java.util.ArrayList;
import java.util.List;
import lab.kvstore.ring.Ring;

/**
 * What a ring change moves: for every partition, each node in its next preference list that is
 * not in its current one gains the partition and must receive the join of every current replica
 * (not just one of them: a write acknowledged by W replicas may be missing on any single one).
 */
public final class StreamPlan {

    private StreamPlan() {
    }

    public static List<PartitionMove> moves(Ring current, Ring next) {
        List<PartitionMove> moves = new ArrayList<>();
        for (int p = 0; p < current.partitionCount(); p++) {
            List<String> now = current.preferenceList(p);
            for (String node : next.preferenceList(p)) {
                if (!now.contains(node)) {
                    moves.add(new PartitionMove(p, node, now));
                }
            }
        }
        return moves;
    }
}
