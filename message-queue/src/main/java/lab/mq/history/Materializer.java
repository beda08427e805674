package lab.mq.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import lab.mq.log.KafkaSettings;
import lab.mq.log.LogRecord;
import lab.mq.log.RecordCodec;
import lab.mq.message.Message;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of {@code mq.messages} (read_committed, so only what the sequencer's
 * transactions committed) into this node's {@link MessageStore}, then tells the listeners. Every
 * node reads the whole topic: any node can serve any channel, at the price that one node's
 * consumer throughput bounds the whole cluster's message rate (see docs/message-queue.md).
 *
 * <p>No consumer group: the store holds the offsets, written atomically with the messages, so a
 * restart continues exactly after the last stored message.
 */
public final class Materializer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Materializer.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final MessageStore store;
    private final AppendListener listener;
    private final Thread thread;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Map<Integer, Long> catchUpTarget = new HashMap<>();
    private volatile boolean caughtUp;
    private volatile boolean closing;
    private volatile Map<Integer, Long> lagByPartition = Map.of();

    public Materializer(KafkaSettings settings, MessageStore store, AppendListener listener, String nodeId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mq-materializer-" + nodeId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Stored offsets older than retention: start at the oldest retained record (the store records the loss).
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.store = store;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("mq-materializer").daemon().unstarted(this::run);
    }

    /** Assigns all partitions at the stored offsets and starts reading; ready once at the end offsets seen now. */
    public void start(int partitions, Duration timeout) {
        List<TopicPartition> all = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            all.add(new TopicPartition(KafkaSettings.MESSAGES_TOPIC, i));
        }
        consumer.assign(all);
        Map<Integer, Long> stored = store.nextOffsets();
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : all) {
            Long offset = stored.get(tp.partition());
            if (offset == null) {
                fresh.add(tp);
            } else {
                consumer.seek(tp, offset);
            }
        }
        consumer.seekToBeginning(fresh);
        consumer.endOffsets(all, timeout).forEach((tp, end) -> catchUpTarget.put(tp.partition(), end));
        log.info("materializing {} partitions of {} from stored offsets {} up to {} before serving",
                partitions, KafkaSettings.MESSAGES_TOPIC, stored, catchUpTarget);
        thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    apply(records);
                }
                observePositions();
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up.
        } catch (RuntimeException e) {
            failure.set(e.toString());
            log.error("the materializer stopped: this node no longer follows the log and reports itself not ready", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecords<String, byte[]> records) {
        List<LogRecord> decoded = new ArrayList<>(records.count());
        List<Message> messages = new ArrayList<>(records.count());
        Map<Integer, Long> nextOffsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            LogRecord logRecord = RecordCodec.logRecord(record.value());
            decoded.add(logRecord);
            if (logRecord.kind() == LogRecord.Kind.MESSAGE) {
                messages.add(logRecord.message());
            }
            nextOffsets.put(record.partition(), record.offset() + 1);
        }
        store.append(messages, nextOffsets);
        listener.onRecords(decoded);
        if (!messages.isEmpty()) {
            listener.onAppended(messages);
        }
    }

    private void observePositions() {
        Map<Integer, Long> lag = new HashMap<>();
        boolean reached = true;
        for (TopicPartition tp : consumer.assignment()) {
            long position = consumer.position(tp);
            if (position < catchUpTarget.getOrDefault(tp.partition(), 0L)) {
                reached = false;
            }
            consumer.currentLag(tp).ifPresent(l -> lag.put(tp.partition(), l));
        }
        lagByPartition = Map.copyOf(lag);
        if (reached && !caughtUp) {
            caughtUp = true;
            log.info("materializer caught up with the log; {} channels in the store", store.channelCount());
        }
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** Null while healthy; the reason once the materializer stopped. */
    public String failure() {
        return failure.get();
    }

    public long totalLag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<Integer, Long> lagByPartition() {
        return lagByPartition;
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
