package lab.processor.charges;

/** What a caller asks the processor to do with a card payment. */
public enum OperationKind {
    /** Hold funds on the card; with {@code capture=true} also take them (a sale). */
    AUTHORIZE,
    /** Take some or all of the held amount; the rest of the hold is released. */
    CAPTURE,
    /** Release the whole hold without taking anything. */
    VOID,
    /** Give back some of what was captured. */
    REFUND
}
