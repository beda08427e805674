package lab.platform.internode;

import java.util.function.BiConsumer;

/**
 * Carries the current trace across a hop: opens a client span and writes its headers into the
 * outgoing call. The tracing bridge provides the real one; tests and plain Java use {@link #NONE}.
 */
public interface TracePropagation {

    TracePropagation NONE = (name, headerWriter) -> () -> { };

    /** Starts a client span, injects its context through {@code headerWriter}; closing ends the span. */
    Scope start(String spanName, BiConsumer<String, String> headerWriter);

    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
