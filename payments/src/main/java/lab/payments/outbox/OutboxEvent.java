package lab.payments.outbox;

/**
 * An event written in the same database transaction as the change it describes. {@code eventId}
 * is unique: consumers dedupe on it, because the relay delivers at least once. {@code traceparent}
 * is the W3C trace context of the request that caused it (null outside a request).
 */
public record OutboxEvent(String eventId, String paymentId, String transactionId, String type, String fromState, String toState,
                          String payload, String traceparent) {
}
