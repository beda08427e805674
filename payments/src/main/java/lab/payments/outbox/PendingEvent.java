package lab.payments.outbox;

/** An outbox row not yet acknowledged by Kafka; {@code traceparent} may be null. */
public record PendingEvent(long seq, String eventId, String paymentId, String type, String payload, String traceparent) {
}
