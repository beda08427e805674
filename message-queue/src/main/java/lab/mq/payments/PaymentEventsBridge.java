package lab.mq.payments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import lab.mq.log.KafkaSettings;
import lab.mq.publish.PublishResult;
import lab.mq.publish.Publisher;
import lab.platform.internode.TracePropagation;
import lab.platform.problem.ProblemException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code payments.events} (when the topic exists: a pattern subscription waits for it
 * quietly) in the group {@code mq-payments}, and publishes each event into its merchant's
 * channel. The offset is committed only after the publish was sequenced, so a crash repeats an
 * event, and the idempotency key (the event ID) turns the repeat into the same message.
 */
public final class PaymentEventsBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PaymentEventsBridge.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Publisher publisher;
    private final String topic;
    private final int maxTextChars;
    private final MeterRegistry meters;
    private final TracePropagation tracing;
    private final Thread thread;
    private volatile boolean closing;

    public PaymentEventsBridge(KafkaSettings kafka, String topic, Publisher publisher, int maxTextChars, String nodeId, MeterRegistry meters,
                               TracePropagation tracing) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "mq-payments");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mq-payments-" + nodeId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "10000"); // notice the topic soon after payments creates it
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.publisher = publisher;
        this.topic = topic;
        this.maxTextChars = maxTextChars;
        this.meters = meters;
        this.tracing = tracing;
        this.thread = Thread.ofPlatform().name("mq-payments-bridge").daemon().unstarted(this::run);
    }

    public void start() {
        consumer.subscribe(Pattern.compile(Pattern.quote(topic)));
        thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!handleInItsTrace(record)) {
                        // Not published (no IDs, Kafka trouble): read it again after a pause, never skip it.
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        Thread.sleep(RETRY_BACKOFF);
                        break;
                    }
                    consumer.commitSync(java.util.Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            log.error("the payments bridge stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Handles the event in the trace of the payment request that caused it (its traceparent header). */
    private boolean handleInItsTrace(ConsumerRecord<String, byte[]> record) {
        try (TracePropagation.Scope ignored = tracing.continueFrom("payments-event", name -> {
            Header header = record.headers().lastHeader(name);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        })) {
            return handle(record);
        }
    }

    private boolean handle(ConsumerRecord<String, byte[]> record) {
        Optional<PaymentNotification> notification = PaymentNotification.from(record.value(), maxTextChars);
        if (notification.isEmpty()) {
            log.warn("skipping payments event at {}-{}@{}: no usable eventId/merchantId, or too large",
                    record.topic(), record.partition(), record.offset());
            count("skipped");
            return true;
        }
        PaymentNotification n = notification.get();
        try {
            PublishResult result = publisher.publish(n.channel(), "payments", n.text(), n.idempotencyKey());
            count(result.replayed() ? "replayed" : "published");
            log.info("payments event {} {} as message {} seq {} of {}", n.idempotencyKey(), result.replayed() ? "replayed" : "published",
                    result.message().id(), result.message().seq(), n.channel());
            return true;
        } catch (ProblemException e) {
            if (e.type().status().is4xxClientError()) {
                log.warn("payments event {} refused: {}", n.idempotencyKey(), e.getMessage());
                count("skipped");
                return true;
            }
            count("retried");
            log.warn("payments event {} not published yet: {}", n.idempotencyKey(), e.getMessage());
            return false;
        }
    }

    private void count(String outcome) {
        Counter.builder("mq.payments.events").description("payments.events records: published, replayed (duplicate event), skipped, retried")
                .tag("outcome", outcome).register(meters).increment();
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
