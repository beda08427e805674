package lab.platform.problem;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception a service throws to answer with a problem: a {@link ProblemType}, a detail
 * for humans, optional extension members for machines, and a {@code Retry-After} when a retry
 * can succeed. The platform turns it into {@code application/problem+json}.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Duration retryAfter;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ProblemException(ProblemType type, String detail, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        this.type = Objects.requireNonNull(type, "type");
    }

    /** Adds an extension member to the problem body (for example {@code needed} and {@code answered}). */
    public ProblemException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Says when a retry may succeed; rounded up to whole seconds in the header. */
    public ProblemException retryAfter(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("Retry-After must not be negative: " + delay);
        }
        this.retryAfter = delay;
        return this;
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public Duration retryAfterOrNull() {
        return retryAfter;
    }
}
