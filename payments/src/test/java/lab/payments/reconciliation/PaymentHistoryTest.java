package lab.payments.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.payments.processor.ProcessorRecord;
import org.junit.jupiter.api.Test;

/** Each reconciliation check finds the anomaly it names and nothing on a healthy payment. */
class PaymentHistoryTest {

    private static PaymentHistory.Row captured(long customerNet, long merchantNet) {
        return new PaymentHistory.Row("pay_1", "captured", 1999, 1999, 0, 27, 2, customerNet, 0, merchantNet, 27, 0);
    }

    private static ProcessorRecord auth(String requestId, long amount) {
        return new ProcessorRecord(1, requestId, "authorize", "pay_1", amount, "EUR", true, "succeeded", null);
    }

    @Test
    void aHealthyPaymentHasNoAnomaly() {
        PaymentHistory.Row row = captured(-1999, 1972);
        assertThat(PaymentHistory.amounts(row)).isEmpty();
        assertThat(PaymentHistory.ledger(row)).isEmpty();
        assertThat(PaymentHistory.events("pay_1", "captured", 2, List.of(new String[] {"none", "processing"}, new String[] {"processing", "captured"})))
                .isEmpty();
        assertThat(PaymentHistory.processor(row, PaymentHistory.ProcessorTotals.of(List.of(auth("op_1", 1999))))).isEmpty();
    }

    @Test
    void findsLedgerDriftDoubleChargesOrphansAndIllegalHistories() {
        assertThat(PaymentHistory.ledger(captured(-1999, 1971))).extracting(Anomaly::check).containsExactly("payment-ledger-mismatch");
        assertThat(PaymentHistory.processor(captured(-1999, 1972), PaymentHistory.ProcessorTotals.of(List.of(auth("op_1", 1999), auth("op_2", 1999)))))
                .extracting(Anomaly::check).containsExactly("duplicate-charge");
        assertThat(PaymentHistory.processor(captured(-1999, 1972), PaymentHistory.ProcessorTotals.of(List.of())))
                .extracting(Anomaly::check).containsExactly("ledger-without-charge");
        PaymentHistory.Row declined = new PaymentHistory.Row("pay_1", "declined", 1999, 0, 0, 0, 2, 0, 0, 0, 0, 0);
        assertThat(PaymentHistory.processor(declined, PaymentHistory.ProcessorTotals.of(List.of(auth("op_1", 1999)))))
                .extracting(Anomaly::check).containsExactly("processor-mismatch");
        assertThat(PaymentHistory.chargesWithoutPayment(Map.of("pay_9", PaymentHistory.ProcessorTotals.of(List.of(auth("op_9", 5)))), Set.of("pay_1")))
                .extracting(Anomaly::subject).containsExactly("pay_9");
        assertThat(PaymentHistory.events("pay_1", "captured", 2, List.of(new String[] {"none", "processing"}, new String[] {"processing", "refunded"})))
                .extracting(Anomaly::check).containsExactly("illegal-transition");
        assertThat(PaymentHistory.events("pay_1", "captured", 3, List.of(new String[] {"none", "processing"}, new String[] {"processing", "captured"})))
                .extracting(Anomaly::check).containsExactly("event-history");
        assertThat(PaymentHistory.amounts(new PaymentHistory.Row("pay_1", "refunded", 1000, 600, 500, 8, 4, 0, 0, 0, 0, 0)))
                .extracting(Anomaly::check).containsExactly("payment-amounts");
    }
}
