package lab.mq.publish;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import lab.mq.log.KafkaSettings;
import lab.mq.log.PublishRequest;
import lab.mq.log.RecordCodec;
import lab.platform.internode.TracePropagation;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Appends publish requests keyed by channel with an idempotent producer and acks=all: the broker
 * acknowledges once min.insync.replicas copies hold the request, and producer retries cannot
 * write it twice. The publisher's trace context goes along as the record's {@code traceparent}
 * header (the sequencer passes it on to {@code mq.messages}).
 */
public final class KafkaPublishLog implements PublishLog, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TracePropagation tracing;

    public KafkaPublishLog(KafkaSettings settings, String nodeId, TracePropagation tracing) {
        this.tracing = tracing;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mq-publish-" + nodeId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        int timeoutMillis = (int) settings.requestTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(timeoutMillis, 5000)));
        // send() blocks for metadata at most this long; the publish deadline still bounds the call.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(timeoutMillis));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletableFuture<Void> append(PublishRequest request) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(KafkaSettings.PUBLISH_TOPIC, request.channel(), RecordCodec.encode(request));
        tracing.injectCurrent((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record,
                (metadata, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(null);
                    }
                });
        return done;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
