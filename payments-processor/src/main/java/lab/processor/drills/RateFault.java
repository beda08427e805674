package lab.processor.drills;

import java.util.random.RandomGenerator;
import lab.platform.faults.FaultExtension;

/**
 * A processor drill expressed as a probability per request (0..1), settable through the
 * platform's {@code POST /admin/faults} like every other fault.
 */
public final class RateFault implements FaultExtension<Double> {

    private final String field;
    private final String kind;
    private final RandomGenerator random;
    private volatile double rate;

    public RateFault(String field, String kind, RandomGenerator random) {
        this.field = field;
        this.kind = kind;
        this.random = random;
    }

    /** Draws once: true for that share of calls. */
    public boolean fires() {
        double current = rate;
        return current > 0 && (current >= 1.0 || random.nextDouble() < current);
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Class<Double> valueType() {
        return Double.class;
    }

    @Override
    public void validate(Double value) {
        if (value == null || !(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(field + " must be between 0.0 and 1.0, got " + value);
        }
    }

    @Override
    public void apply(Double value) {
        rate = value;
    }

    @Override
    public void clear() {
        rate = 0;
    }

    @Override
    public boolean active() {
        return rate > 0;
    }

    @Override
    public Double current() {
        return rate;
    }
}
