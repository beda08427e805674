package lab.ratelimit.policy;

import java.util.Objects;
import java.util.regex.Pattern;
import lab.ratelimit.bucket.BucketConfig;

/**
 * A named limit: a bucket of {@code capacity} tokens (the burst) refilled at
 * {@code refillPerSecond} (fractional rates such as 0.5 are one token every two seconds), and
 * what to do while Redis is away, and whether clients may spend it through the public API.
 */
public record Policy(String name, long capacity, double refillPerSecond, FailureMode failureMode, Visibility visibility) {

    /** Policy names appear in URLs, Redis keys and metric tags: short and plain. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Large enough for any real limit, small enough that token arithmetic in doubles stays exact to a millionth. */
    public static final long MAX_CAPACITY = 1_000_000_000L;
    public static final double MAX_REFILL_PER_SECOND = 1_000_000_000.0;
    /**
     * One token per thousand seconds at the slowest: the time an empty bucket of {@link #MAX_CAPACITY}
     * takes to fill, in microseconds, then stays below 2^63 (and a Redis expiry in milliseconds is exact).
     */
    public static final double MIN_REFILL_PER_SECOND = 0.001;

    /** An {@link Visibility#INTERNAL} policy. */
    public Policy(String name, long capacity, double refillPerSecond, FailureMode failureMode) {
        this(name, capacity, refillPerSecond, failureMode, Visibility.INTERNAL);
    }

    public Policy {
        Objects.requireNonNull(failureMode, "failureMode");
        Objects.requireNonNull(visibility, "visibility");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("policy name must be 1-64 characters of a-z, 0-9, '.', '_', '-' "
                    + "starting with a letter or digit, got '" + name + "'");
        }
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ", got " + capacity);
        }
        if (!(refillPerSecond >= MIN_REFILL_PER_SECOND) || refillPerSecond > MAX_REFILL_PER_SECOND) {
            throw new IllegalArgumentException("refillPerSecond must be between " + MIN_REFILL_PER_SECOND + " and "
                    + (long) MAX_REFILL_PER_SECOND + ", got " + refillPerSecond);
        }
    }

    public boolean isPublic() {
        return visibility == Visibility.PUBLIC;
    }

    public BucketConfig bucket() {
        return new BucketConfig(capacity, refillPerSecond);
    }

    /** Seconds an empty bucket takes to fill: the window {@code w} of the RateLimit-Policy header. */
    public long windowSeconds() {
        return Math.max(1, (long) Math.ceil(capacity / refillPerSecond));
    }
}
