package lab.load.ratelimit;

import lab.load.LabSimulation;

/** {@code ./cluster load ratelimit}: decisions on a hot key and on cold keys; the hot key must stay within the bucket's bound. */
public class RateLimitSimulation extends LabSimulation {
    {
        run(new RateLimitLoad(checks, runId));
    }
}
