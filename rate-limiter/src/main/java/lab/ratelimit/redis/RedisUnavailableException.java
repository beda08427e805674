package lab.ratelimit.redis;

/**
 * Redis did not answer correctly within the deadline, or the breaker refuses to ask it: the
 * caller applies its failure mode. Checked, so no caller can forget that Redis can fail.
 */
public final class RedisUnavailableException extends Exception {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
