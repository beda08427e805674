package lab.ratelimit.limiter;

import java.util.Objects;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.policy.Policy;

/**
 * A decision and the mode that made it. Without a decision the limiter cannot know, and refuses
 * (503): always in {@link Mode#CLOSED}; in {@link Mode#LOCAL} when Redis may have counted the
 * request without confirming it in time.
 */
public record Verdict(Policy policy, Mode mode, Decision decision) {

    public Verdict {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.CLOSED && decision != null || (mode == Mode.GLOBAL || mode == Mode.OPEN) && decision == null) {
            throw new IllegalArgumentException("a " + mode.label() + " verdict " + (decision == null ? "needs" : "has no")
                    + " decision");
        }
    }

    /** No decision could be made: the answer is a 503, whatever the mode. */
    public boolean undecided() {
        return decision == null;
    }

    public boolean allowed() {
        return decision != null && decision.allowed();
    }
}
