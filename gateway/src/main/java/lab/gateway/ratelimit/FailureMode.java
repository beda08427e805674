package lab.gateway.ratelimit;

import java.util.Locale;

/** What the edge does with a request when the rate-limiter cannot be asked (same names as the limiter's policies). */
public enum FailureMode {
    /** Admit everything: an outage of the limiter must not become an outage of the product. */
    OPEN,
    /** Refuse with 503: exceeding the limit is worse than refusing. */
    CLOSED,
    /** Enforce the policy in the gateway's memory until the limiter answers again. */
    LOCAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailureMode parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
