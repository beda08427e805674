package lab.payments.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTransactionTest {

    @Test
    void aTransactionMustSumToZeroInEveryCurrency() {
        assertThat(new JournalTransaction("txn_1", "sale", "pay_1",
                List.of(new Posting("cust_1", "EUR", -1999), new Posting("merch_1", "EUR", 1972), new Posting("fees_EUR", "EUR", 27)))
                .postings()).hasSize(3);
        assertThatThrownBy(() -> new JournalTransaction("txn_2", "sale", "pay_1",
                List.of(new Posting("cust_1", "EUR", -1999), new Posting("merch_1", "EUR", 1998))))
                .isInstanceOf(JournalTransaction.UnbalancedTransactionException.class).hasMessageContaining("sums to -1 EUR");
        assertThatThrownBy(() -> new JournalTransaction("txn_3", "fx", null,
                List.of(new Posting("a", "EUR", -100), new Posting("b", "USD", 100))))
                .isInstanceOf(JournalTransaction.UnbalancedTransactionException.class);
        assertThatThrownBy(() -> new JournalTransaction("txn_4", "one-legged", null, List.of(new Posting("a", "EUR", 5))))
                .isInstanceOf(JournalTransaction.UnbalancedTransactionException.class);
        assertThatThrownBy(() -> new Posting("a", "EUR", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
