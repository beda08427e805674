package lab.platform.internode;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Carries the current trace across a hop: HTTP calls between nodes, and records on Kafka (the
 * payments outbox, the message queue's topics). The tracing bridge provides the real one
 * ({@link MicrometerTracePropagation}, a bean of the kit); tests and plain Java use {@link #NONE}.
 */
public interface TracePropagation {

    TracePropagation NONE = new TracePropagation() {
        @Override
        public Scope start(String spanName, BiConsumer<String, String> headerWriter) {
            return () -> { };
        }

        @Override
        public void injectCurrent(BiConsumer<String, String> headerWriter) {
            // No tracing: nothing to carry.
        }

        @Override
        public Scope continueFrom(String spanName, Function<String, String> headerReader) {
            return () -> { };
        }
    };

    /** Starts a client span, injects its context through {@code headerWriter}; closing ends the span. */
    Scope start(String spanName, BiConsumer<String, String> headerWriter);

    /**
     * Writes the current trace context's headers (W3C {@code traceparent}) through
     * {@code headerWriter}, for a record that leaves later (an outbox row); nothing without a trace.
     */
    void injectCurrent(BiConsumer<String, String> headerWriter);

    /**
     * The current trace context as one W3C {@code traceparent} value, for a row that a later step
     * continues (an outbox event, a pending operation); null without a trace.
     */
    default String currentTraceparent() {
        Map<String, String> headers = new HashMap<>();
        injectCurrent(headers::put);
        return headers.get("traceparent");
    }

    /**
     * Continues the trace a record arrived with ({@code headerReader} returns a header's value or
     * null): a span in scope, so every log line written until {@link Scope#close()} carries the
     * trace id. A record without trace headers starts a new trace.
     */
    Scope continueFrom(String spanName, Function<String, String> headerReader);

    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
