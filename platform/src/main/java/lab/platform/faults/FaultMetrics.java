package lab.platform.faults;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code lab.faults.active{kind}}: 1 while a fault of that kind is active (for drop-peers, the
 * number of dropped peers), so dashboards can show a drill while it runs; and
 * {@code lab.faults.injected{kind}}: how many requests or calls a fault has touched.
 */
public final class FaultMetrics {

    private final MeterRegistry registry;

    public FaultMetrics(MeterRegistry registry, FaultRegistry faults) {
        this.registry = registry;
        for (String kind : faults.kinds()) {
            Gauge.builder("lab.faults.active", faults, f -> f.activeLevel(kind))
                    .description("Whether a fault of this kind is active on the node (drop-peers: number of dropped peers)")
                    .tag("kind", kind)
                    .register(registry);
            counter(kind);
        }
    }

    public void injected(String kind) {
        counter(kind).increment();
    }

    private Counter counter(String kind) {
        return Counter.builder("lab.faults.injected")
                .description("Requests and calls affected by an injected fault")
                .tag("kind", kind)
                .register(registry);
    }
}
