package lab.payments.intent;

/**
 * One call to the processor. Its ID is the request ID the processor dedupes on, so every attempt,
 * by any node, asks for the same thing.
 */
public record Operation(String id, String paymentId, String kind, long amountMinor, String status, String reason,
                        String idempotencyKey, int leaseToken, int attempts) {

    public static final String PENDING = "pending";

    public boolean pending() {
        return PENDING.equals(status);
    }
}
