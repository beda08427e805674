package lab.ratelimit.limiter;

import java.util.Objects;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.policy.Policy;

/**
 * A decision and the mode that made it. In {@link Mode#CLOSED} there is no decision: the limiter
 * cannot know, and refuses.
 */
public record Verdict(Policy policy, Mode mode, Decision decision) {

    public Verdict {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.CLOSED) != (decision == null)) {
            throw new IllegalArgumentException("a " + mode.label() + " verdict " + (decision == null ? "needs" : "has no")
                    + " decision");
        }
    }

    public boolean allowed() {
        return decision != null && decision.allowed();
    }
}
