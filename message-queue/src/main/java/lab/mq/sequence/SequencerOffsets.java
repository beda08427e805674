package lab.mq.sequence;

import java.util.Map;
import java.util.Set;

/** Where this node's share of the sequencer stands on {@code mq.publish}, per partition number. */
public interface SequencerOffsets {

    /** Partitions whose sequencer task is active on this node now. */
    Set<Integer> ownedPartitions();

    /** The next request to sequence, as committed with the sequencer's transactions; absent when none was committed. */
    Map<Integer, Long> committed(Set<Integer> partitions);

    /** The offset after the last request appended to each partition. */
    Map<Integer, Long> ends(Set<Integer> partitions);
}
