package lab.mq.sequence;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tells when this node's sequencer cannot make progress: a partition it owns has publish requests
 * waiting, and its committed position has not moved for {@code stallAfter}. Kafka Streams keeps
 * such a task RUNNING while its producer retries a rejected batch without end (issue 9's stall),
 * so the streams state alone would never show it. Exposed as {@code mq.sequencer.stalled.partitions}
 * and {@code mq.sequencer.backlog}, and as the node's health.
 */
public final class SequencerStallDetector {

    private final long stallAfterMillis;
    private final Map<Integer, Progress> progress = new HashMap<>();
    private volatile Set<Integer> stalled = Set.of();
    private volatile long backlog;

    public SequencerStallDetector(Duration stallAfter, MeterRegistry meters) {
        this.stallAfterMillis = stallAfter.toMillis();
        Gauge.builder("mq.sequencer.stalled.partitions", this, d -> d.stalled.size())
                .description("Partitions of mq.publish this node sequences that have requests waiting and made no commit for the stall time")
                .register(meters);
        Gauge.builder("mq.sequencer.backlog", this, d -> d.backlog)
                .description("Publish requests in this node's sequencer partitions not yet committed as sequenced")
                .register(meters);
    }

    /** One look at the offsets; call it periodically. */
    public synchronized void check(SequencerOffsets offsets, long nowMillis) {
        Set<Integer> owned = offsets.ownedPartitions();
        progress.keySet().retainAll(owned);
        Map<Integer, Long> committed = owned.isEmpty() ? Map.of() : offsets.committed(owned);
        Map<Integer, Long> ends = owned.isEmpty() ? Map.of() : offsets.ends(owned);
        Set<Integer> nowStalled = new TreeSet<>();
        long waitingTotal = 0;
        for (int partition : owned) {
            long position = committed.getOrDefault(partition, 0L);
            long waiting = Math.max(0, ends.getOrDefault(partition, position) - position);
            waitingTotal += waiting;
            Progress last = progress.get(partition);
            // The clock starts when the position moves, when the partition arrives here, or when it was caught up:
            // a request that arrived a moment ago at an idle partition is not a stall.
            if (last == null || last.position() != position || waiting == 0) {
                progress.put(partition, new Progress(position, nowMillis));
            } else if (nowMillis - last.sinceMillis() >= stallAfterMillis) {
                nowStalled.add(partition);
            }
        }
        stalled = Set.copyOf(nowStalled);
        backlog = waitingTotal;
    }

    /** Why the sequencer is not healthy, or null. */
    public String problem() {
        Set<Integer> now = stalled;
        if (now.isEmpty()) {
            return null;
        }
        return "sequencer stalled: partitions " + new TreeSet<>(now) + " of mq.publish have requests waiting and no commit for "
                + Duration.ofMillis(stallAfterMillis).toSeconds() + " s (" + backlog + " requests in this node's partitions)";
    }

    public Set<Integer> stalledPartitions() {
        return stalled;
    }

    public long backlog() {
        return backlog;
    }

    private record Progress(long position, long sinceMillis) {
    }
}
