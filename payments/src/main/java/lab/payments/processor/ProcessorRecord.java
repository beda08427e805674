package lab.payments.processor;

/** One decision as the processor lists it, for reconciliation. */
public record ProcessorRecord(long seq, String requestId, String kind, String paymentRef, long amountMinor, String currency,
                             boolean capture, String status, String reason) {

    public boolean succeeded() {
        return "succeeded".equals(status);
    }
}
