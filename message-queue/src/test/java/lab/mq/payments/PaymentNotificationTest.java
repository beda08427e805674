package lab.mq.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PaymentNotificationTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEventBecomesAMessageInItsMerchantsChannelKeyedByEventId() {
        var n = PaymentNotification.from(json("{\"eventId\":\"ev-7\",\"type\":\"payment.captured\",\"merchantId\":\"42\",\"amount\":1200}"), 4000);
        assertThat(n).isPresent();
        assertThat(n.get().channel()).isEqualTo("merchant-42");
        assertThat(n.get().idempotencyKey()).isEqualTo("payments-event-ev-7");
        assertThat(n.get().text()).contains("\"type\":\"payment.captured\"").contains("\"amount\":1200");
    }

    @Test
    void readsTheMerchantInsideAPaymentAndNumericIds() {
        var n = PaymentNotification.from(json("{\"id\":17,\"payment\":{\"merchantId\":9}}"), 4000);
        assertThat(n).map(PaymentNotification::channel).hasValue("merchant-9");
        assertThat(n).map(PaymentNotification::idempotencyKey).hasValue("payments-event-17");
    }

    @Test
    void skipsEventsWithoutAnIdOrAMerchantOrThatAreNotJson() {
        assertThat(PaymentNotification.from(json("{\"merchantId\":\"42\"}"), 4000)).isEmpty();
        assertThat(PaymentNotification.from(json("{\"eventId\":\"e\"}"), 4000)).isEmpty();
        assertThat(PaymentNotification.from(json("not json"), 4000)).isEmpty();
        assertThat(PaymentNotification.from(json("{\"eventId\":\"e\",\"merchantId\":\"bad id/..\"}"), 4000)).isEmpty();
        assertThat(PaymentNotification.from(json("{\"eventId\":\"e\",\"merchantId\":\"1\",\"x\":\"" + "y".repeat(50) + "\"}"), 40)).isEmpty();
    }
}
