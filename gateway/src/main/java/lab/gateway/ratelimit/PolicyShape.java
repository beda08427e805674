package lab.gateway.ratelimit;

/** A policy as the rate-limiter holds it, mirrored so the edge can apply its failure mode without the limiter. */
public record PolicyShape(String name, long capacity, double refillPerSecond, FailureMode failureMode) {

    public PolicyShape {
        if (capacity < 1 || !(refillPerSecond > 0)) {
            throw new IllegalArgumentException("policy " + name + " needs capacity >= 1 and a positive refill rate");
        }
    }

    /** Seconds an empty bucket takes to fill, rounded up: the {@code w} of the RateLimit-Policy header. */
    long windowSeconds() {
        return (long) Math.ceil(capacity / refillPerSecond);
    }
}
