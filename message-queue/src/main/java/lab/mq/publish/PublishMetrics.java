package lab.mq.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@code mq.publishes{outcome}} and {@code mq.publish.latency} (until the sequencer answered). */
public final class PublishMetrics {

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Timer latency;

    public PublishMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.latency = Timer.builder("mq.publish.latency")
                .description("From taking a publish to the sequencer's answer (acks=all append plus sequencing)")
                .publishPercentileHistogram()
                .register(meters);
    }

    void outcome(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("mq.publishes")
                .description("Publishes by outcome: published, replayed, rejected, conflict, ids-unavailable, log-unavailable, unconfirmed, overloaded")
                .tag("outcome", o)
                .register(meters)).increment();
    }

    void latency(long nanos) {
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
