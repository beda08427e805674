package lab.payments.intent;

/** A payment as stored; amounts in minor units of {@code currency}. */
public record Payment(String id, PaymentState state, long amountMinor, String currency, String customerId, String merchantId,
                      boolean automaticCapture, String description, long capturedMinor, long refundedMinor, long feeMinor,
                      String failureReason, int version, String createdAt, String updatedAt) {

    /** The same payment after a transition; the version counts transitions so consumers can order events. */
    Payment moveTo(PaymentState next, long captured, long refunded, long fee, String reason) {
        PaymentStateMachine.requireAllowed(id, state, next);
        if (captured > amountMinor || refunded > captured || captured < 0 || refunded < 0) {
            throw new IllegalStateException("amount invariant broken for " + id + ": amount " + amountMinor
                    + ", captured " + captured + ", refunded " + refunded);
        }
        return new Payment(id, next, amountMinor, currency, customerId, merchantId, automaticCapture, description,
                captured, refunded, fee, reason, version + 1, createdAt, updatedAt);
    }
}
