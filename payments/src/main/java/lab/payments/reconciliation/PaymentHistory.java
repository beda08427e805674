package lab.payments.reconciliation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.payments.intent.PaymentPostings;
import lab.payments.intent.PaymentStateMachine;
import lab.payments.processor.ProcessorRecord;

/**
 * The invariants of one payment, in plain Java so each can be tested on its own: amounts against
 * state, ledger nets against amounts, event history against the state machine, and the
 * processor's view against ours.
 */
final class PaymentHistory {

    /** A payment row plus the net of its ledger entries per role. */
    record Row(String id, String state, long amountMinor, long capturedMinor, long refundedMinor, long feeMinor, int version,
               long customerNet, long clearingNet, long merchantNet, long feesNet, long otherNet) {
    }

    /** What the processor did for one payment: succeeded operations only. */
    record ProcessorTotals(int authorizations, long authorizedMinor, long capturedMinor, long refundedMinor, boolean voided) {

        static ProcessorTotals of(List<ProcessorRecord> records) {
            int auths = 0;
            long authorized = 0;
            long captured = 0;
            long refunded = 0;
            boolean voided = false;
            for (ProcessorRecord r : records) {
                if (!r.succeeded()) {
                    continue;
                }
                switch (r.kind()) {
                    case "authorize" -> {
                        auths++;
                        authorized += r.amountMinor();
                        captured += r.capture() ? r.amountMinor() : 0;
                    }
                    case "capture" -> captured += r.amountMinor();
                    case "refund" -> refunded += r.amountMinor();
                    case "void" -> voided = true;
                    default -> throw new IllegalArgumentException("unknown processor operation " + r.kind());
                }
            }
            return new ProcessorTotals(auths, authorized, captured, refunded, voided);
        }
    }

    private PaymentHistory() {
    }

    static List<Anomaly> amounts(Row p) {
        List<Anomaly> found = new ArrayList<>();
        boolean ok = switch (p.state()) {
            case "processing", "authorized", "canceled", "declined", "failed" -> p.capturedMinor() == 0 && p.refundedMinor() == 0;
            case "captured" -> p.capturedMinor() > 0 && p.refundedMinor() == 0;
            case "partially_refunded" -> p.refundedMinor() > 0 && p.refundedMinor() < p.capturedMinor();
            case "refunded" -> p.capturedMinor() > 0 && p.refundedMinor() == p.capturedMinor();
            default -> false;
        };
        if (!ok || p.capturedMinor() > p.amountMinor() || p.feeMinor() != PaymentPostings.feeFor(p.capturedMinor())) {
            found.add(new Anomaly("payment-amounts", p.id(), "state " + p.state() + " with amount " + p.amountMinor() + ", captured "
                    + p.capturedMinor() + ", refunded " + p.refundedMinor() + ", fee " + p.feeMinor()));
        }
        return found;
    }

    static List<Anomaly> ledger(Row p) {
        long held = p.state().equals("authorized") ? p.amountMinor() : 0;
        long[] expected = {-(p.capturedMinor() - p.refundedMinor()) - held, held, p.capturedMinor() - p.feeMinor() - p.refundedMinor(), p.feeMinor(), 0};
        long[] actual = {p.customerNet(), p.clearingNet(), p.merchantNet(), p.feesNet(), p.otherNet()};
        if (!java.util.Arrays.equals(expected, actual)) {
            return List.of(new Anomaly("payment-ledger-mismatch", p.id(), "state " + p.state() + ": expected nets customer/clearing/merchant/fees/other "
                    + java.util.Arrays.toString(expected) + ", ledger has " + java.util.Arrays.toString(actual)));
        }
        return List.of();
    }

    static List<Anomaly> events(String paymentId, String currentState, int version, List<String[]> fromTo) {
        if (!PaymentStateMachine.isLegalHistory(fromTo)) {
            return List.of(new Anomaly("illegal-transition", paymentId, "event history is not a legal walk of the state machine: "
                    + fromTo.stream().map(s -> s[0] + "->" + s[1]).toList()));
        }
        if (fromTo.size() != version || fromTo.isEmpty() || !fromTo.getLast()[1].equals(currentState)) {
            return List.of(new Anomaly("event-history", paymentId, fromTo.size() + " events for version " + version
                    + ", last event to " + (fromTo.isEmpty() ? "nothing" : fromTo.getLast()[1]) + ", state " + currentState));
        }
        return List.of();
    }

    static List<Anomaly> processor(Row p, ProcessorTotals at) {
        if (at.authorizations() > 1) {
            return List.of(new Anomaly("duplicate-charge", p.id(), at.authorizations() + " succeeded authorizations at the processor"));
        }
        boolean ok = switch (p.state()) {
            case "declined", "failed" -> at.authorizations() == 0;
            case "authorized" -> at.authorizations() == 1 && at.authorizedMinor() == p.amountMinor() && at.capturedMinor() == 0 && !at.voided();
            case "canceled" -> at.authorizations() == 1 && at.voided() && at.capturedMinor() == 0;
            case "captured", "partially_refunded", "refunded" -> at.authorizations() == 1 && at.capturedMinor() == p.capturedMinor()
                    && at.refundedMinor() == p.refundedMinor() && !at.voided();
            default -> true;
        };
        if (!ok) {
            return List.of(new Anomaly(at.authorizations() == 0 ? "ledger-without-charge" : "processor-mismatch", p.id(),
                    "state " + p.state() + ", captured " + p.capturedMinor() + ", refunded " + p.refundedMinor() + "; processor has " + at));
        }
        return List.of();
    }

    static List<Anomaly> chargesWithoutPayment(Map<String, ProcessorTotals> byPaymentRef, java.util.Set<String> knownPayments) {
        List<Anomaly> found = new ArrayList<>();
        byPaymentRef.forEach((ref, totals) -> {
            if (totals.authorizations() > 0 && !knownPayments.contains(ref)) {
                found.add(new Anomaly("charge-without-payment", ref, "the processor holds " + totals + " for a payment the ledger does not know"));
            }
        });
        return found;
    }
}
