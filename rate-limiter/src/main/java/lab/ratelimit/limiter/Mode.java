package lab.ratelimit.limiter;

import java.util.Locale;
import lab.ratelimit.policy.FailureMode;

/** How a decision was made: by the global bucket in Redis, or by a policy's failure mode. */
public enum Mode {
    GLOBAL, LOCAL, OPEN, CLOSED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode of(FailureMode failureMode) {
        return switch (failureMode) {
            case OPEN -> OPEN;
            case CLOSED -> CLOSED;
            case LOCAL -> LOCAL;
        };
    }
}
