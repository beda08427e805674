package lab.ratelimit.bucket;

/**
 * The answer to one request for permits.
 *
 * @param allowed          whether the permits were taken
 * @param tokensLeft       tokens in the bucket after the decision (fractional)
 * @param retryAfterMicros when denied: how long until the requested permits are there; 0 when allowed
 * @param fullInMicros     how long until the bucket is full again (when an idle key's state expires)
 */
public record Decision(boolean allowed, double tokensLeft, long retryAfterMicros, long fullInMicros) {

    public Decision {
        if (retryAfterMicros < 0 || fullInMicros < 0) {
            throw new IllegalArgumentException("durations cannot be negative: retryAfter=" + retryAfterMicros
                    + " fullIn=" + fullInMicros);
        }
        if (allowed && retryAfterMicros != 0) {
            throw new IllegalArgumentException("an admitted request has nothing to wait for");
        }
    }

    /** Whole tokens left: what a client may still take without waiting. */
    public long remaining() {
        return (long) Math.floor(tokensLeft);
    }
}
