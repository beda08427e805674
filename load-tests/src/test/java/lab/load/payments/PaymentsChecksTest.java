package lab.load.payments;

import static org.assertj.core.api.Assertions.assertThat;

import lab.load.check.Json;
import lab.load.check.RunChecks;
import org.junit.jupiter.api.Test;

class PaymentsChecksTest {

    private final RunChecks checks = new RunChecks();

    @Test
    void oneKeyOnePaymentWithMarkedReplaysIsClean() {
        IdempotencyBook book = new IdempotencyBook(checks);
        book.answered("k1", "pay_1", false);
        book.answered("k1", "pay_1", true);
        book.answered("k2", "pay_2", false);
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.counter("payments.created")).isEqualTo(2);
        assertThat(checks.counter("payments.replays")).isEqualTo(1);
    }

    @Test
    void oneKeyTwoPaymentsIsADoubleCharge() {
        IdempotencyBook book = new IdempotencyBook(checks);
        book.answered("k1", "pay_1", false);
        book.answered("k1", "pay_9", true);
        assertThat(checks.report().anomalies()).containsOnlyKeys("payments.double-charge");
    }

    @Test
    void aSecondAnswerThatIsNotAReplayWasExecutedTwice() {
        IdempotencyBook book = new IdempotencyBook(checks);
        book.answered("k1", "pay_1", false);
        book.answered("k1", "pay_1", false);
        assertThat(checks.report().anomalies()).containsOnlyKeys("payments.replay-not-marked");
    }

    @Test
    void everyCheckTheLedgerFailsIsAnAnomalyAndACleanLedgerIsNot() {
        PaymentsLoad load = new PaymentsLoad(checks);
        load.judgeLedger(Json.parse("{\"ok\":true,\"anomalyCount\":0,\"anomaliesByCheck\":{\"unbalanced-transaction\":0},"
                + "\"anomalies\":[],\"processorChecked\":true}"));
        assertThat(checks.anomalyCount()).isZero();

        load.judgeLedger(Json.parse("{\"ok\":false,\"anomalyCount\":3,\"anomaliesByCheck\":{\"unbalanced-transaction\":0,"
                + "\"duplicate-charge\":2,\"balance-mismatch\":1},\"anomalies\":[{\"check\":\"duplicate-charge\"}],\"processorChecked\":true}"));
        assertThat(checks.report().anomalies()).containsOnlyKeys("payments.ledger.duplicate-charge", "payments.ledger.balance-mismatch");
        assertThat(checks.counter("payments.ledger-verifications")).isEqualTo(2);
    }

    @Test
    void skippedProcessorChecksAreNotAPassAndANeverVerifiedLedgerIsAnAnomaly() {
        PaymentsLoad load = new PaymentsLoad(checks);
        load.judge();
        assertThat(checks.report().anomalies()).containsOnlyKeys("payments.ledger-not-verified");
        load.judgeLedger(Json.parse("{\"ok\":true,\"anomalyCount\":0,\"anomaliesByCheck\":{},\"processorChecked\":false,"
                + "\"processorError\":\"connection refused\"}"));
        assertThat(checks.report().anomalies()).containsKey("payments.ledger.processor-unchecked");
    }
}
