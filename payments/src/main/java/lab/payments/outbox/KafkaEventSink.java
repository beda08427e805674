package lab.payments.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to {@code payments.events}, keyed by payment ID (one partition per payment keeps its
 * events in order), with the event ID, its type and the request's trace context in headers. The producer is idempotent with acks=all, so
 * its own retries never duplicate; the relay's re-sends after a crash can, and consumers dedupe.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventSink.class);
    public static final String EVENT_ID_HEADER = "event-id";
    public static final String EVENT_TYPE_HEADER = "event-type";
    /** The W3C trace context of the request that wrote the event, so consumers continue its trace. */
    public static final String TRACEPARENT_HEADER = "traceparent";

    private final String bootstrapServers;
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private volatile boolean topicReady;

    public KafkaEventSink(String bootstrapServers, String topic, String clientId) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight per broker. With more, a first request refused while a new partition's leader is being
        // set up (NOT_LEADER_OR_FOLLOWER) can be overtaken by the next one; the broker then refuses every retry of the
        // first as out of order until the delivery timeout (KAFKA-15591, fixed in Kafka 4.5; seen here as an 8-s stalled
        // round after the topic was created). The relay flushes and waits per round anyway, so this costs it nothing.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // Bounded waits: with Kafka down the relay gives up in seconds and the backlog grows instead.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    @Override
    public void publishAll(List<PendingEvent> events) throws Exception {
        ensureTopic();
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.paymentId(), event.payload());
            record.headers().add(EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add(EVENT_TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
            if (event.traceparent() != null) {
                record.headers().add(TRACEPARENT_HEADER, event.traceparent().getBytes(StandardCharsets.UTF_8));
            }
            acks.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Creates the topic once, replicated on up to three brokers, so a single broker loss keeps it. */
    private void ensureTopic() throws Exception {
        if (topicReady) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            short replication = (short) Math.min(3, brokers);
            try {
                admin.createTopics(List.of(new NewTopic(topic, 6, replication)
                        .configs(Map.of("min.insync.replicas", replication >= 3 ? "2" : "1")))).all().get(5, TimeUnit.SECONDS);
                log.info("created topic {} with 6 partitions, replication {}", topic, replication);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        topicReady = true;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
