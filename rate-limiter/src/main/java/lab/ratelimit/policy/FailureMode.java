package lab.ratelimit.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a policy does while Redis cannot be reached. */
public enum FailureMode {
    /** Admit everything: availability over the limit (a limit that protects nothing critical). */
    OPEN,
    /** Deny everything with 503: the limit over availability (a limit that guards money or a fragile backend). */
    CLOSED,
    /** Enforce the limit in each node's memory, each node taking an equal share of it. */
    LOCAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code open|closed|local}, case-insensitively; the message names the allowed values. */
    public static FailureMode parse(String text) {
        if (text != null) {
            for (FailureMode mode : values()) {
                if (mode.label().equalsIgnoreCase(text.strip())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("failureMode must be one of "
                + Arrays.stream(values()).map(FailureMode::label).collect(Collectors.joining(", ")) + ", got " + text);
    }
}
