package lab.ratelimit.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Who may spend a policy. The public {@code /limits/**} API (which the gateway routes to anyone)
 * answers only for {@link #PUBLIC} policies; every policy, internal ones included, is reachable
 * through {@code /internal/limits/**}, which only callers holding the cluster credential reach
 * (the gateway charging its own {@code edge-*} policies).
 */
public enum Visibility {
    /** Offered to clients: anyone who reaches {@code /limits/**} may acquire and look. */
    PUBLIC,
    /** The cluster's own: only {@code /internal/limits/**}. The default for a new policy. */
    INTERNAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code public|internal}, case-insensitively; null is {@link #INTERNAL}. */
    public static Visibility parse(String text) {
        if (text == null) {
            return INTERNAL;
        }
        for (Visibility visibility : values()) {
            if (visibility.label().equalsIgnoreCase(text.strip())) {
                return visibility;
            }
        }
        throw new IllegalArgumentException("visibility must be one of "
                + Arrays.stream(values()).map(Visibility::label).collect(Collectors.joining(", ")) + ", got " + text);
    }
}
