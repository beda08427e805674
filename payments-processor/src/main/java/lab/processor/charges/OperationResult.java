package lab.processor.charges;

/**
 * The processor's final answer to one request, kept for ever under its request ID.
 *
 * @param seq    the order in which the processor decided (for listing and reconciliation)
 * @param status {@code succeeded}, {@code declined} or {@code failed}; only {@code succeeded} moved money
 * @param reason why it was declined or failed, null when it succeeded
 */
public record OperationResult(long seq, String requestId, OperationKind kind, String paymentRef, long amountMinor,
                              String currency, boolean capture, String status, String reason, long decidedAtMillis) {

    public static final String SUCCEEDED = "succeeded";
    public static final String DECLINED = "declined";
    public static final String FAILED = "failed";

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }

    OperationRequest request() {
        return new OperationRequest(requestId, kind, paymentRef, amountMinor, currency, capture);
    }
}
