package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentStateMachineTest {

    @Test
    void onlyTheDocumentedTransitionsAreAllowed() {
        assertThat(PaymentStateMachine.isAllowed(PaymentState.PROCESSING, PaymentState.CAPTURED)).isTrue();
        assertThat(PaymentStateMachine.isAllowed(PaymentState.AUTHORIZED, PaymentState.CANCELED)).isTrue();
        assertThat(PaymentStateMachine.isAllowed(PaymentState.CAPTURED, PaymentState.CANCELED)).isFalse();
        assertThat(PaymentStateMachine.isAllowed(PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED)).isFalse();
        for (PaymentState fin : List.of(PaymentState.REFUNDED, PaymentState.CANCELED, PaymentState.DECLINED, PaymentState.FAILED)) {
            for (PaymentState any : PaymentState.values()) {
                assertThat(PaymentStateMachine.isAllowed(fin, any)).as(fin + " is final").isFalse();
            }
        }
    }

    @Test
    void aPaymentRefusesAnIllegalMoveOrAnOverRefund() {
        Payment captured = new Payment("pay_1", PaymentState.CAPTURED, 1000, "EUR", "c", "m", false, null, 600, 0, 8, null, 3, null, null);
        assertThatThrownBy(() -> captured.moveTo(PaymentState.CANCELED, 600, 0, 8, null)).hasMessageContaining("illegal transition");
        assertThatThrownBy(() -> captured.moveTo(PaymentState.REFUNDED, 600, 601, 8, null)).hasMessageContaining("amount invariant");
        assertThat(captured.moveTo(PaymentState.REFUNDED, 600, 600, 8, null).version()).isEqualTo(4);
    }

    @Test
    void historiesAreCheckedFromCreation() {
        assertThat(PaymentStateMachine.isLegalHistory(List.of(new String[] {"none", "processing"}, new String[] {"processing", "authorized"},
                new String[] {"authorized", "captured"}, new String[] {"captured", "partially_refunded"},
                new String[] {"partially_refunded", "refunded"}))).isTrue();
        assertThat(PaymentStateMachine.isLegalHistory(List.of(new String[] {"none", "processing"}, new String[] {"processing", "refunded"}))).isFalse();
        assertThat(PaymentStateMachine.isLegalHistory(List.of(new String[] {"none", "processing"}, new String[] {"authorized", "captured"}))).isFalse();
    }
}
