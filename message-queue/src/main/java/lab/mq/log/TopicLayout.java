package lab.mq.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the two topics with explicit partitions and replication at start-up. A broker's
 * auto-create would give one partition and the broker's default replication, which would break
 * both the per-channel ordering argument (partition count fixed up front) and acks=all safety
 * (min.insync.replicas). Replication is min(3, brokers) and min ISR min(2, brokers), so a
 * three-broker cluster keeps accepting acknowledged writes with one broker down.
 */
public final class TopicLayout {

    private static final Logger log = LoggerFactory.getLogger(TopicLayout.class);

    private final KafkaSettings settings;

    public TopicLayout(KafkaSettings settings) {
        this.settings = settings;
    }

    /** The replication factor this cluster gets: what {@link #ensureTopics} uses, also for Streams' own topics. */
    public static short replicationFor(int brokers) {
        return (short) Math.min(3, brokers);
    }

    public static int minInSyncFor(int brokers) {
        return Math.min(2, brokers);
    }

    /** Creates missing topics and checks existing ones have the partition count this node expects. */
    public int ensureTopics(Admin admin) throws InterruptedException {
        long timeoutMillis = settings.requestTimeout().toMillis();
        try {
            int brokers = admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).size();
            short replication = replicationFor(brokers);
            String minIsr = Integer.toString(minInSyncFor(brokers));
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(KafkaSettings.PUBLISH_TOPIC, settings.partitions(), replication)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
                            // Requests are only the sequencer's input; a day covers any sequencer outage we expect.
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(Math.min(settings.retention().toMillis(), 86_400_000L)))));
            topics.add(new NewTopic(KafkaSettings.MESSAGES_TOPIC, settings.partitions(), replication)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retention().toMillis()))));
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
                    log.info("created topic {} with {} partitions, replication {}, min.insync.replicas {}",
                            topic.name(), topic.numPartitions(), replication, minIsr);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            checkPartitions(admin.describeTopics(Set.of(KafkaSettings.PUBLISH_TOPIC, KafkaSettings.MESSAGES_TOPIC))
                    .allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS).values());
            return brokers;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create or check the topics at " + settings.bootstrap() + ": " + e, e);
        }
    }

    private void checkPartitions(Collection<TopicDescription> descriptions) {
        for (TopicDescription description : descriptions) {
            int actual = description.partitions().size();
            if (actual != settings.partitions()) {
                // A channel's partition is hash(channel) mod count: two counts would split a channel.
                throw new IllegalStateException("topic " + description.name() + " has " + actual
                        + " partitions but this node is configured for " + settings.partitions()
                        + " (MQ_PARTITIONS); every node must agree with the topic");
            }
        }
    }
}
