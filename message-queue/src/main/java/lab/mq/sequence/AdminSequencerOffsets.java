package lab.mq.sequence;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import lab.mq.log.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** {@link SequencerOffsets} read from the broker: the sequencer group's committed offsets and the topic's end offsets. */
final class AdminSequencerOffsets implements SequencerOffsets {

    private final Admin admin;
    private final Supplier<Set<Integer>> owned;
    private final Duration timeout;

    AdminSequencerOffsets(Admin admin, Supplier<Set<Integer>> owned, Duration timeout) {
        this.admin = admin;
        this.owned = owned;
        this.timeout = timeout;
    }

    @Override
    public Set<Integer> ownedPartitions() {
        return owned.get();
    }

    @Override
    public Map<Integer, Long> committed(Set<Integer> partitions) {
        Map<TopicPartition, OffsetAndMetadata> all = await(admin.listConsumerGroupOffsets(SequencerStreams.APPLICATION_ID)
                .partitionsToOffsetAndMetadata());
        Map<Integer, Long> result = new HashMap<>();
        all.forEach((tp, offset) -> {
            if (offset != null && tp.topic().equals(KafkaSettings.PUBLISH_TOPIC) && partitions.contains(tp.partition())) {
                result.put(tp.partition(), offset.offset());
            }
        });
        return result;
    }

    @Override
    public Map<Integer, Long> ends(Set<Integer> partitions) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(p -> new TopicPartition(KafkaSettings.PUBLISH_TOPIC, p), p -> OffsetSpec.latest()));
        Map<Integer, Long> result = new HashMap<>();
        await(admin.listOffsets(request).all()).forEach((tp, info) -> result.put(tp.partition(), info.offset()));
        return result;
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the sequencer's offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the sequencer's offsets: " + e, e);
        }
    }
}
