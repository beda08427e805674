package lab.ratelimit.redis;

/**
 * Redis did not answer correctly within the deadline, or the breaker refuses to ask it: the
 * caller applies its failure mode. Checked, so no caller can forget that Redis can fail.
 */
public final class RedisUnavailableException extends Exception {

    private final Delivery delivery;

    /** A failure after which Redis may have run the command ({@link Delivery#UNCONFIRMED}, the safe assumption). */
    public RedisUnavailableException(String message, Throwable cause) {
        this(message, cause, Delivery.UNCONFIRMED);
    }

    public RedisUnavailableException(String message, Throwable cause, Delivery delivery) {
        super(message, cause);
        this.delivery = delivery;
    }

    public Delivery delivery() {
        return delivery;
    }
}
