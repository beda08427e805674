package lab.processor.drills;

import java.util.random.RandomGenerator;
import lab.processor.charges.SimulatedProcessor;

/**
 * The processor's drill behaviours. Declines and failures are answers (nothing charged); the two
 * timeouts hold the answer back past any caller's deadline: {@code timeout} before deciding
 * (nothing charged), {@code timeout-after-success} after charging (the answer is lost, the charge
 * is not).
 */
public final class ProcessorDrills implements SimulatedProcessor.Decisions {

    private final RateFault decline;
    private final RateFault fail;
    private final RateFault timeout;
    private final RateFault timeoutAfterSuccess;

    public ProcessorDrills(RandomGenerator random) {
        this.decline = new RateFault("declineRate", "decline", random);
        this.fail = new RateFault("failRate", "fail", random);
        this.timeout = new RateFault("timeoutRate", "timeout", random);
        this.timeoutAfterSuccess = new RateFault("timeoutAfterSuccessRate", "timeout-after-success", random);
    }

    public RateFault[] faults() {
        return new RateFault[] {decline, fail, timeout, timeoutAfterSuccess};
    }

    @Override
    public boolean decline() {
        return decline.fires();
    }

    @Override
    public boolean fail() {
        return fail.fires();
    }

    public boolean timeoutBeforeDeciding() {
        return timeout.fires();
    }

    public boolean timeoutAfterSuccess() {
        return timeoutAfterSuccess.fires();
    }
}
