package lab.mq.sequence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import lab.mq.log.LogRecord;

/** Metrics of the sequencer: {@code mq.sequencer.records{kind}} (message, duplicate, conflict, unreadable). */
public final class SequencerEvents {

    private final Map<LogRecord.Kind, Counter> byKind = new EnumMap<>(LogRecord.Kind.class);
    private final Counter unreadable;

    public SequencerEvents(MeterRegistry meters) {
        for (LogRecord.Kind kind : LogRecord.Kind.values()) {
            byKind.put(kind, counter(meters, kind.name().toLowerCase(java.util.Locale.ROOT)));
        }
        unreadable = counter(meters, "unreadable");
    }

    private static Counter counter(MeterRegistry meters, String kind) {
        return Counter.builder("mq.sequencer.records")
                .description("Publish requests this node's sequencer tasks turned into log records, by outcome")
                .tag("kind", kind)
                .register(meters);
    }

    void sequenced(LogRecord.Kind kind) {
        byKind.get(kind).increment();
    }

    void unreadable() {
        unreadable.increment();
    }
}
