package lab.processor.charges;

import java.util.Objects;

/**
 * One call from payments. {@code requestId} is the caller's idempotency key at the processor: the
 * same ID always gets the same answer and moves money at most once.
 */
public record OperationRequest(String requestId, OperationKind kind, String paymentRef, long amountMinor,
                               String currency, boolean capture) {

    public OperationRequest {
        Objects.requireNonNull(kind, "kind");
        requireText(requestId, "requestId");
        requireText(paymentRef, "paymentRef");
        requireText(currency, "currency");
        if (amountMinor <= 0 && kind != OperationKind.VOID) {
            throw new IllegalArgumentException("amountMinor must be positive, got " + amountMinor);
        }
        if (capture && kind != OperationKind.AUTHORIZE) {
            throw new IllegalArgumentException("capture=true only applies to AUTHORIZE");
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank() || value.length() > 100) {
            throw new IllegalArgumentException(name + " must be 1..100 characters");
        }
    }

    /** Whether a second request with the same ID asks for the very same thing. */
    boolean sameParameters(OperationRequest other) {
        return kind == other.kind && paymentRef.equals(other.paymentRef) && amountMinor == other.amountMinor
                && currency.equals(other.currency) && capture == other.capture;
    }
}
