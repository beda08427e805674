package lab.mq.log;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the log lives and how it is laid out: both topics share the partition count so a
 * channel's publish requests and its messages land in partitions with the same number.
 */
@ConfigurationProperties("mq.kafka")
public record KafkaSettings(String bootstrap, int partitions, Duration retention, Duration requestTimeout) {

    public static final String PUBLISH_TOPIC = "mq.publish";
    public static final String MESSAGES_TOPIC = "mq.messages";

    public KafkaSettings {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("mq.kafka.bootstrap (MQ_KAFKA_BOOTSTRAP) must name at least one broker");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("mq.kafka.partitions must be at least 1, got " + partitions);
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("mq.kafka.retention must be positive, got " + retention);
        }
        if (requestTimeout == null || requestTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("mq.kafka.request-timeout must be at least 100ms, got " + requestTimeout);
        }
    }
}
