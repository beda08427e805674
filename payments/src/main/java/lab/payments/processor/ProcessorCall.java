package lab.payments.processor;

/** What payments asks the processor; {@code requestId} is the operation ID, stable across retries. */
public record ProcessorCall(String requestId, String kind, String paymentRef, long amountMinor, String currency, boolean capture) {
}
