package lab.ratelimit.limiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import lab.ratelimit.policy.Policies;
import lab.ratelimit.policy.Policy;
import lab.ratelimit.policy.PolicySet;

/**
 * Decisions and permits by policy, outcome and mode, and the mode each policy is in. Policy
 * names are tags (operators define a handful); keys never are.
 */
public final class LimiterMetrics {

    private final MeterRegistry registry;
    private final MultiGauge modes;
    private final RateLimiter limiter;
    private final Policies policies;

    public LimiterMetrics(MeterRegistry registry, RateLimiter limiter, Policies policies) {
        this.registry = registry;
        this.limiter = limiter;
        this.policies = policies;
        this.modes = MultiGauge.builder("ratelimit.mode")
                .description("1 for the mode each policy is in now (global/local/open/closed), 0 for the others")
                .register(registry);
        policies.onChange(this::registerModes);
        registerModes(policies.current());
    }

    public void record(Verdict verdict, long permits) {
        String outcome = verdict.undecided() ? "unavailable" : verdict.allowed() ? "allowed" : "denied";
        Tags tags = Tags.of("policy", verdict.policy().name(), "outcome", outcome, "mode", verdict.mode().label());
        Counter.builder("ratelimit.decisions").description("Acquire decisions").tags(tags).register(registry).increment();
        Counter.builder("ratelimit.permits").description("Permits asked for in acquire decisions").tags(tags)
                .register(registry).increment(permits);
    }

    private void registerModes(PolicySet set) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String name : set.policies().keySet()) {
            for (Mode mode : Mode.values()) {
                rows.add(MultiGauge.Row.of(Tags.of("policy", name, "mode", mode.label()), policies,
                        p -> p.find(name).map(policy -> limiter.modeOf(policy) == mode ? 1.0 : 0.0).orElse(Double.NaN)));
            }
        }
        modes.register(rows, true);
    }

    /** The mode of {@code policy}, for the status endpoint. */
    public Mode modeOf(Policy policy) {
        return limiter.modeOf(policy);
    }
}
