package lab.platform.internode;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** {@link TracePropagation} over Micrometer Tracing: W3C {@code traceparent} headers on every hop. */
public final class MicrometerTracePropagation implements TracePropagation {

    private final Tracer tracer;
    private final Propagator propagator;

    public MicrometerTracePropagation(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public Scope start(String spanName, BiConsumer<String, String> headerWriter) {
        Span span = tracer.nextSpan().name(spanName).start();
        Tracer.SpanInScope inScope = tracer.withSpan(span);
        propagator.inject(span.context(), headerWriter, BiConsumer::accept);
        return () -> {
            inScope.close();
            span.end();
        };
    }

    @Override
    public void injectCurrent(BiConsumer<String, String> headerWriter) {
        TraceContext current = tracer.currentTraceContext().context();
        if (current != null) {
            propagator.inject(current, headerWriter, BiConsumer::accept);
        }
    }

    @Override
    public Scope continueFrom(String spanName, Function<String, String> headerReader) {
        Span span = propagator.extract(headerReader, Function::apply).name(spanName).kind(Span.Kind.CONSUMER).start();
        Tracer.SpanInScope inScope = tracer.withSpan(span);
        return () -> {
            inScope.close();
            span.end();
        };
    }
}
