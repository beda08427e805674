package lab.payments.intent;

import static lab.payments.intent.PaymentState.AUTHORIZED;
import static lab.payments.intent.PaymentState.CANCELED;
import static lab.payments.intent.PaymentState.CAPTURED;
import static lab.payments.intent.PaymentState.DECLINED;
import static lab.payments.intent.PaymentState.FAILED;
import static lab.payments.intent.PaymentState.PARTIALLY_REFUNDED;
import static lab.payments.intent.PaymentState.PROCESSING;
import static lab.payments.intent.PaymentState.REFUNDED;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every legal transition. The service checks each one before writing it, and reconciliation
 * replays every payment's event history through the same table.
 */
public final class PaymentStateMachine {

    /** The state before a payment exists: the "from" of its first event. */
    public static final String NONE = "none";

    private static final Map<PaymentState, Set<PaymentState>> NEXT = Map.of(
            PROCESSING, EnumSet.of(AUTHORIZED, CAPTURED, DECLINED, FAILED),
            AUTHORIZED, EnumSet.of(CAPTURED, CANCELED),
            CAPTURED, EnumSet.of(PARTIALLY_REFUNDED, REFUNDED),
            PARTIALLY_REFUNDED, EnumSet.of(PARTIALLY_REFUNDED, REFUNDED),
            REFUNDED, EnumSet.noneOf(PaymentState.class),
            CANCELED, EnumSet.noneOf(PaymentState.class),
            DECLINED, EnumSet.noneOf(PaymentState.class),
            FAILED, EnumSet.noneOf(PaymentState.class));

    private PaymentStateMachine() {
    }

    public static boolean isAllowed(PaymentState from, PaymentState to) {
        return NEXT.get(from).contains(to);
    }

    /** A programming error if it fails: requests are validated against the state before this point. */
    public static void requireAllowed(String paymentId, PaymentState from, PaymentState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalStateException("illegal transition of " + paymentId + ": " + from.wire() + " -> " + to.wire());
        }
    }

    /** Whether a recorded history (from/to pairs, in order) is a legal walk starting at creation. */
    public static boolean isLegalHistory(java.util.List<String[]> fromTo) {
        String expectedFrom = NONE;
        for (String[] step : fromTo) {
            if (!step[0].equals(expectedFrom)) {
                return false;
            }
            PaymentState to = PaymentState.fromWire(step[1]);
            if (expectedFrom.equals(NONE) ? to != PROCESSING : !isAllowed(PaymentState.fromWire(expectedFrom), to)) {
                return false;
            }
            expectedFrom = step[1];
        }
        return true;
    }
}
