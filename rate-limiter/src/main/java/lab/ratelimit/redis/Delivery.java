package lab.ratelimit.redis;

/** Whether a Redis call that did not answer in time may still have run on Redis. */
public enum Delivery {
    /** The command never left this node (breaker open, no connection): Redis did not and will not run it. */
    NOT_SENT,
    /** The command may have reached Redis (deadline missed, error after sending): it may have run, or may still run. */
    UNCONFIRMED
}
