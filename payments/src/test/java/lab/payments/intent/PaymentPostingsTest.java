package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.payments.ledger.JournalTransaction;
import lab.payments.ledger.Posting;
import org.junit.jupiter.api.Test;

/** The worked example of docs/payments.md, posting by posting. */
class PaymentPostingsTest {

    private static Payment payment(long amount, boolean automatic) {
        return new Payment("pay_1", PaymentState.PROCESSING, amount, "EUR", "cust_1", "merch_1", automatic, null, 0, 0, 0, null, 1, null, null);
    }

    private static void apply(Map<String, Long> balances, JournalTransaction tx) {
        for (Posting p : tx.postings()) {
            balances.merge(p.accountId(), p.amountMinor(), Long::sum);
        }
    }

    @Test
    void authorizeCapturePartRefundPartLeavesEveryAccountWhereTheDocsSay() {
        Payment p = payment(10_000, false);
        Map<String, Long> balances = new HashMap<>();
        apply(balances, PaymentPostings.authorization("txn_1", p));
        assertThat(balances).containsEntry("cust_1", -10_000L).containsEntry("clearing_EUR", 10_000L);

        apply(balances, PaymentPostings.capture("txn_2", p, 6_000));
        assertThat(PaymentPostings.feeFor(6_000)).isEqualTo(84);
        assertThat(balances).containsEntry("cust_1", -6_000L).containsEntry("clearing_EUR", 0L)
                .containsEntry("merch_1", 5_916L).containsEntry("fees_EUR", 84L);

        apply(balances, PaymentPostings.refund("txn_3", p, 2_500));
        assertThat(balances).containsEntry("cust_1", -3_500L).containsEntry("merch_1", 3_416L).containsEntry("fees_EUR", 84L);
        assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    @Test
    void saleAndCancelLeaveOutZeroLegs() {
        assertThat(PaymentPostings.sale("txn_1", payment(50, true)).postings()).extracting(Posting::accountId)
                .containsExactly("cust_1", "merch_1"); // 1.4 % of 0.50 rounds down to 0: no fee leg
        assertThat(PaymentPostings.cancel("txn_2", payment(777, false)).postings())
                .isEqualTo(List.of(new Posting("cust_1", "EUR", 777), new Posting("clearing_EUR", "EUR", -777)));
    }
}
