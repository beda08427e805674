package lab.load.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import lab.load.check.Json;
import lab.load.check.RunChecks;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

    private final RunChecks checks = new RunChecks();
    private final Deliveries deliveries = new Deliveries(checks);

    @Test
    void everyAcknowledgedMessageDeliveredInOrderIsCleanAndTimed() {
        deliveries.tracker("ws-1", "c");
        deliveries.event("ws-1", "subscribed", Json.parse("{\"channel\":\"c\",\"nextSeq\":1}"), 0);
        for (long seq = 1; seq <= 3; seq++) {
            deliveries.acknowledged("c", seq);
            deliveries.event("ws-1", "message", message(seq, 1000), 1000 + 5 * seq);
        }
        assertThat(deliveries.caughtUp("ws-1")).isTrue();
        deliveries.judge();
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.report().latenciesMillis().get(Deliveries.LATENCY).max()).isEqualTo(15);
    }

    @Test
    void anAcknowledgedMessageASubscriberNeverGotIsUndelivered() {
        deliveries.tracker("sse-2", "c");
        deliveries.event("sse-2", "subscribed", Json.parse("{\"channel\":\"c\",\"nextSeq\":1}"), 0);
        deliveries.acknowledged("c", 1);
        deliveries.acknowledged("c", 2);
        deliveries.event("sse-2", "message", message(1, 0), 1);
        assertThat(deliveries.caughtUp("sse-2")).isFalse();
        deliveries.judge();
        assertThat(checks.report().anomalies()).containsOnlyKeys("messaging.undelivered");
        assertThat(checks.counter("messaging.undelivered-messages")).isEqualTo(1);
    }

    @Test
    void aSubscriberThatNeverConnectedIsOwedEverything() {
        deliveries.tracker("ws-3", "c");
        deliveries.acknowledged("c", 4);
        deliveries.judge();
        assertThat(checks.counter("messaging.undelivered-messages")).isEqualTo(4);
    }

    @Test
    void aDiscontinuityWhileConnectedIsAnAnomaly() {
        deliveries.event("ws-1", "discontinuity", Json.parse("{\"channel\":\"c\",\"fromSeq\":1,\"toSeq\":9,\"reason\":\"retention\"}"), 0);
        assertThat(checks.report().anomalies()).containsOnlyKeys("messaging.discontinuity");
    }

    private static com.fasterxml.jackson.databind.JsonNode message(long seq, long publishedAtMillis) {
        return Json.parse("{\"id\":\"" + (1000 + seq) + "\",\"channel\":\"c\",\"seq\":" + seq + ",\"sender\":\"s\",\"text\":\"t\","
                + "\"publishedAtMillis\":" + publishedAtMillis + ",\"sequencedAtMillis\":" + publishedAtMillis + "}");
    }
}
