package lab.mq.sequence;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import lab.mq.log.KafkaSettings;
import lab.mq.log.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer as a Kafka Streams application shared by every node (one consumer group,
 * {@code mq-sequencer}): each partition of {@code mq.publish} is processed by exactly one node at
 * a time, exactly-once (v2), with in-memory stores restored from compacted changelog topics.
 * A node that dies loses its partitions to the others after the group notices (session timeout);
 * publishes to those channels wait, and are sequenced once the partitions move.
 */
public final class SequencerStreams implements AutoCloseable {

    public static final String APPLICATION_ID = "mq-sequencer";
    /** How long the sequencer's producer retries one batch before the task is re-run from its last commit. */
    static final java.time.Duration DELIVERY_TIMEOUT = java.time.Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(SequencerStreams.class);

    private final KafkaStreams streams;

    public SequencerStreams(KafkaSettings kafka, SequencerSettings settings, int brokers, Path stateDir,
                            String nodeId, SequencerEvents events) {
        this.streams = new KafkaStreams(topology(settings, events), properties(kafka, settings, brokers, stateDir, nodeId));
        streams.setStateListener((now, before) -> log.info("sequencer state {} -> {}", before, now));
        streams.setUncaughtExceptionHandler(failure -> {
            log.error("sequencer thread failed; replacing it (the transaction is aborted, nothing half-written is visible)", failure);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    static Topology topology(SequencerSettings settings, SequencerEvents events) {
        Map<String, String> changelog = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Topology topology = new Topology();
        topology.addSource("publish-requests", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                KafkaSettings.PUBLISH_TOPIC);
        topology.addProcessor("sequencer", () -> new SequencerProcessor(settings.idempotencyWindow(), events), "publish-requests");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SequencerProcessor.SEQUENCE_STORE),
                Serdes.String(), Serdes.Long()).withLoggingEnabled(changelog), "sequencer");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SequencerProcessor.IDEMPOTENCY_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(changelog), "sequencer");
        // The default partitioner hashes the channel key like the publishers do: same partition number in both topics.
        topology.addSink("messages", KafkaSettings.MESSAGES_TOPIC, Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                "sequencer");
        return topology;
    }

    static Properties properties(KafkaSettings kafka, SequencerSettings settings, int brokers, Path stateDir, String nodeId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, "mq-sequencer-" + nodeId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(settings.commitInterval().toMillis()));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(TopicLayout.replicationFor(brokers)));
        p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(TopicLayout.minInSyncFor(brokers)));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Keep a warm copy of each store on another node so a failover restores in moments, not from the changelog's start.
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        // A killed node's partitions move after this; publishes to its channels wait that long (the broker's minimum).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1500");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "0");
        // Streams' exactly-once default is to retry a batch forever; issue 9's stall was such a batch, rejected for minutes
        // while the task stayed RUNNING. With a deadline the send fails, Streams marks the task corrupted, aborts the
        // transaction (nothing of it becomes visible), restores the state from the changelog and sequences the same
        // requests again from the committed offsets: the same numbers, no gap, no repeat.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), Long.toString(DELIVERY_TIMEOUT.toMillis()));
        return p;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The partitions of {@code mq.publish} whose task is active on this node. */
    public java.util.Set<Integer> ownedPartitions() {
        java.util.Set<Integer> owned = new java.util.TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                .filter(tp -> tp.topic().equals(KafkaSettings.PUBLISH_TOPIC)).forEach(tp -> owned.add(tp.partition()))));
        return owned;
    }

    public int activeTasks() {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    @Override
    public void close() {
        // Leave the group on a clean stop so the partitions move at once, not after the session timeout.
        streams.close(new KafkaStreams.CloseOptions().timeout(java.time.Duration.ofSeconds(10)).leaveGroup(true));
    }
}
