package lab.platform.internode;

import io.github.resilience4j.core.IntervalFunction;

/**
 * How idempotent calls are retried: at most {@code maxAttempts} in all, waiting an exponentially
 * growing, randomised backoff between attempts (full jitter keeps many callers from retrying in
 * lock-step), and never past the call's own deadline.
 */
public record RetryPolicy(int maxAttempts, long initialBackoffMillis, double multiplier, double randomizationFactor) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoffMillis < 1 || multiplier < 1.0 || randomizationFactor < 0.0 || randomizationFactor >= 1.0) {
            throw new IllegalArgumentException("invalid backoff: initial " + initialBackoffMillis + " ms, multiplier "
                    + multiplier + ", randomization " + randomizationFactor);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(3, 25, 2.0, 0.5);
    }

    IntervalFunction backoff() {
        return IntervalFunction.ofExponentialRandomBackoff(initialBackoffMillis, multiplier, randomizationFactor);
    }
}
