package lab.kvstore.streaming;

import java.util.List;

/** One partition to stream to a node that gains it, from every replica that holds it now. */
public record PartitionMove(int partition, String target, List<String> sources) {

    public PartitionMove {
        sources = List.copyOf(sources);
        if (sources.contains(target)) {
            throw new IllegalArgumentException("node " + target + " already replicates partition " + partition);
        }
    }
}
