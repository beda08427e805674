package lab.processor.charges;

/**
 * What the processor holds for one payment, summed over its succeeded operations.
 *
 * @param authorizations how many authorizations succeeded: more than one is a double charge
 */
public record CardPaymentTotals(int authorizations, long authorizedMinor, long capturedMinor, long refundedMinor, boolean voided) {

    public static final CardPaymentTotals NONE = new CardPaymentTotals(0, 0, 0, 0, false);

    CardPaymentTotals apply(OperationResult succeeded) {
        return switch (succeeded.kind()) {
            case AUTHORIZE -> new CardPaymentTotals(authorizations + 1, authorizedMinor + succeeded.amountMinor(),
                    capturedMinor + (succeeded.capture() ? succeeded.amountMinor() : 0), refundedMinor, voided);
            case CAPTURE -> new CardPaymentTotals(authorizations, authorizedMinor, capturedMinor + succeeded.amountMinor(), refundedMinor, voided);
            case VOID -> new CardPaymentTotals(authorizations, authorizedMinor, capturedMinor, refundedMinor, true);
            case REFUND -> new CardPaymentTotals(authorizations, authorizedMinor, capturedMinor, refundedMinor + succeeded.amountMinor(), voided);
        };
    }
}
