package lab.mq.sequence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.mq.log.LogRecord;
import lab.mq.log.PublishRequest;
import lab.mq.log.RecordCodec;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams shell around {@link Sequencer}: reads a publish request, writes the sequenced
 * record keyed by channel, and drops idempotency keys older than the window once a minute.
 */
final class SequencerProcessor implements Processor<String, byte[], String, byte[]> {

    static final String SEQUENCE_STORE = "mq-sequence";
    static final String IDEMPOTENCY_STORE = "mq-idempotency";
    private static final Logger log = LoggerFactory.getLogger(SequencerProcessor.class);

    private final Duration idempotencyWindow;
    private final SequencerEvents events;
    private ProcessorContext<String, byte[]> context;
    private Sequencer sequencer;
    private KeyValueStore<String, byte[]> remembered;

    SequencerProcessor(Duration idempotencyWindow, SequencerEvents events) {
        this.idempotencyWindow = idempotencyWindow;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, Long> sequences = context.getStateStore(SEQUENCE_STORE);
        this.remembered = context.getStateStore(IDEMPOTENCY_STORE);
        this.sequencer = new Sequencer(new StoreBackedState(sequences, remembered));
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::forgetExpiredKeys);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        PublishRequest request;
        try {
            request = RecordCodec.publishRequest(record.value());
        } catch (RuntimeException unreadable) {
            // Only this service writes the topic; an unreadable request is logged and skipped, never sequenced.
            log.error("skipping unreadable publish request at key {}: {}", record.key(), unreadable.toString());
            events.unreadable();
            return;
        }
        long now = System.currentTimeMillis();
        LogRecord out = sequencer.sequence(request, now);
        events.sequenced(out.kind());
        // The request's headers (its traceparent) go on with the sequenced record.
        context.forward(new Record<>(request.channel(), RecordCodec.encode(out), now, record.headers()));
    }

    private void forgetExpiredKeys(long nowMillis) {
        long cutoff = nowMillis - idempotencyWindow.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = remembered.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                if (StoreBackedState.rememberedAt(entry.value) < cutoff) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(remembered::delete);
        if (!expired.isEmpty()) {
            log.info("forgot {} idempotency keys older than {}", expired.size(), idempotencyWindow);
        }
    }
}
