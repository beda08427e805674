package lab.mq.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class SequencerStallDetectorTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SequencerStallDetector detector = new SequencerStallDetector(Duration.ofSeconds(60), meters);
    private final FakeOffsets offsets = new FakeOffsets();

    @Test
    void requestsWaitingWithoutACommitForTheStallTimeAreAStall() {
        offsets.own(0, 5, 9);
        detector.check(offsets, 0);
        detector.check(offsets, 59_999);
        assertThat(detector.problem()).isNull();

        detector.check(offsets, 60_000);
        assertThat(detector.stalledPartitions()).containsExactly(0);
        assertThat(detector.problem()).contains("partitions [0]", "no commit for 60 s", "4 requests");
        assertThat(meters.get("mq.sequencer.stalled.partitions").gauge().value()).isEqualTo(1);
        assertThat(meters.get("mq.sequencer.backlog").gauge().value()).isEqualTo(4);

        // A commit clears it, and the clock starts again from the new position.
        offsets.own(0, 6, 9);
        detector.check(offsets, 61_000);
        assertThat(detector.problem()).isNull();
        detector.check(offsets, 120_999);
        assertThat(detector.problem()).isNull();
        detector.check(offsets, 121_000);
        assertThat(detector.stalledPartitions()).containsExactly(0);
    }

    @Test
    void aCaughtUpPartitionIsNeverStalledAndANewRequestThereStartsTheClock() {
        offsets.own(1, 7, 7);
        detector.check(offsets, 0);
        detector.check(offsets, 300_000);
        assertThat(detector.problem()).isNull();

        offsets.own(1, 7, 8); // a request arrives at an idle partition
        detector.check(offsets, 300_001);
        assertThat(detector.problem()).isNull();
        detector.check(offsets, 360_001);
        assertThat(detector.stalledPartitions()).containsExactly(1);
    }

    @Test
    void aPartitionThatMovedHereStartsItsOwnClockAndOneThatLeftIsForgotten() {
        offsets.own(2, 0, 3);
        detector.check(offsets, 0);
        detector.check(offsets, 60_000);
        assertThat(detector.stalledPartitions()).containsExactly(2);

        offsets.disown(2);
        offsets.own(3, 10, 20);
        detector.check(offsets, 61_000);
        assertThat(detector.problem()).isNull();
        assertThat(meters.get("mq.sequencer.backlog").gauge().value()).isEqualTo(10);
        detector.check(offsets, 121_000);
        assertThat(detector.stalledPartitions()).containsExactly(3);
    }

    @Test
    void aPartitionWithoutACommittedOffsetCountsFromTheStart() {
        offsets.ownUncommitted(4, 2);
        detector.check(offsets, 0);
        detector.check(offsets, 60_000);
        assertThat(detector.stalledPartitions()).containsExactly(4);
    }

    @Test
    void theSequencersProducerGivesUpOnABatchInsteadOfRetryingItForever() {
        SequencerSettings settings = new SequencerSettings(Duration.ofMillis(20), Duration.ofHours(24), Duration.ofSeconds(60));
        var properties = SequencerStreams.properties(new lab.mq.log.KafkaSettings("127.0.0.1:9092", 4, Duration.ofDays(7),
                Duration.ofSeconds(10)), settings, 1, java.nio.file.Path.of("streams"), "mq-1");
        assertThat(properties.get(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))).isEqualTo("120000");
    }

    private static final class FakeOffsets implements SequencerOffsets {
        private final Map<Integer, Long> committed = new HashMap<>();
        private final Map<Integer, Long> ends = new HashMap<>();

        void own(int partition, long committedOffset, long end) {
            committed.put(partition, committedOffset);
            ends.put(partition, end);
        }

        void ownUncommitted(int partition, long end) {
            committed.remove(partition);
            ends.put(partition, end);
        }

        void disown(int partition) {
            committed.remove(partition);
            ends.remove(partition);
        }

        @Override
        public Set<Integer> ownedPartitions() {
            return Set.copyOf(ends.keySet());
        }

        @Override
        public Map<Integer, Long> committed(Set<Integer> partitions) {
            return Map.copyOf(committed);
        }

        @Override
        public Map<Integer, Long> ends(Set<Integer> partitions) {
            return Map.copyOf(ends);
        }
    }
}
