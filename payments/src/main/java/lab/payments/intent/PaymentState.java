package lab.payments.intent;

import java.util.Locale;

/** The states of a payment, PaymentIntent-style. Declined, failed, canceled and refunded are final. */
public enum PaymentState {
    /** Created; the authorization is with the processor (or waiting for recovery to ask it). */
    PROCESSING,
    /** Funds held on the customer's side; waiting for a capture or a cancel. */
    AUTHORIZED,
    /** Funds taken (fully or partially; the rest of the hold released). */
    CAPTURED,
    PARTIALLY_REFUNDED,
    REFUNDED,
    CANCELED,
    DECLINED,
    FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PaymentState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == REFUNDED || this == CANCELED || this == DECLINED || this == FAILED;
    }
}
