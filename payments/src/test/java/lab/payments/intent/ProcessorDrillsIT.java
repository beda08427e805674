package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The processor misbehaves on purpose (its drills); payments still charge exactly once. */
class ProcessorDrillsIT extends PaymentsNodeTest {

    @Autowired
    JdbcClient jdbc;

    private long ledgerTransactionsOf(String paymentId) {
        return jdbc.sql("SELECT count(*) FROM ledger_transactions WHERE payment_id = ?").param(paymentId).query(Long.class).single();
    }

    /** Retries with the same key until the answer is final, as a client following Retry-After would. */
    private Http.Reply retryUntilFinal(String key, String body) {
        Http.Reply[] last = new Http.Reply[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = Http.post(base(), "/payments", key, body);
            assertThat(last[0].status()).as(last[0].body()).isIn(201, 402, 409, 503);
            return last[0].status() == 201 || last[0].status() == 402;
        });
        return last[0];
    }

    @Test
    void timeoutAfterSuccessNeverChargesTwice() {
        processorDrill("{\"timeoutAfterSuccessRate\":1.0}");
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":4242,\"currency\":\"EUR\",\"customer\":\"cust_42\",\"merchant\":\"merch_2\"}";

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Http.Reply first = Http.post(base(), "/payments", key, body, "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(first.status()).as(first.body()).isEqualTo(503);
        assertThat(first.json().get("type").asString()).isEqualTo("/problems/processor-unavailable");
        assertThat(first.headers().firstValue("Retry-After")).isPresent();
        String paymentId = first.json().get("paymentId").asString();

        Http.Reply settled = retryUntilFinal(key, body);
        assertThat(settled.status()).isEqualTo(201);
        assertThat(settled.replayed()).isTrue();
        assertThat(settled.json().get("id").asString()).isEqualTo(paymentId);
        assertThat(settled.json().get("state").asString()).isEqualTo("captured");

        assertThat(Http.get(processor(), "/charges/" + paymentId).json().get("authorizations").asInt()).isEqualTo(1);
        assertThat(ledgerTransactionsOf(paymentId)).isEqualTo(1);
        assertThat(Http.get(base(), "/ledger/verify").json().get("anomalyCount").asLong()).isZero();
        // Recovery finished the operation in the trace of the request that started it: both events carry its trace id.
        List<String> eventTraces = jdbc.sql("SELECT traceparent FROM outbox_events WHERE payment_id = ? ORDER BY seq")
                .param(paymentId).query(String.class).list();
        assertThat(eventTraces).hasSize(2).allSatisfy(traceparent -> assertThat(traceparent).startsWith("00-" + traceId + "-"));
    }

    @Test
    void aTimeoutBeforeTheProcessorDecidedIsResentByRecoveryUnderTheSameRequestId() {
        processorDrill("{\"timeoutRate\":1.0}");
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":1500,\"currency\":\"EUR\",\"customer\":\"cust_43\",\"merchant\":\"merch_2\",\"capture\":\"manual\"}";
        Http.Reply first = Http.post(base(), "/payments", key, body);
        assertThat(first.status()).as(first.body()).isEqualTo(503);
        String paymentId = first.json().get("paymentId").asString();
        assertThat(Http.post(base(), "/payments", key, body).status()).as("in flight").isEqualTo(409);

        Http.admin(processor(), "DELETE", "/admin/faults/timeout", lab.payments.support.TestInfrastructure.ADMIN_TOKEN, null);
        Http.Reply settled = retryUntilFinal(key, body);
        assertThat(settled.json().get("state").asString()).isEqualTo("authorized");
        assertThat(Http.get(processor(), "/charges/" + paymentId).json().get("authorizations").asInt()).isEqualTo(1);
        assertThat(Http.get(base(), "/payments/" + paymentId).json().get("operations").get(0).get("attempts").asInt()).isGreaterThan(1);
    }

    @Test
    void aDeclineIsAFinalStoredAnswerAndMovesNoMoney() {
        processorDrill("{\"declineRate\":1.0}");
        long before = Http.get(base(), "/accounts/cust_44").json().get("balance").asLong();
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":999,\"currency\":\"EUR\",\"customer\":\"cust_44\",\"merchant\":\"merch_2\"}";
        Http.Reply declined = Http.post(base(), "/payments", key, body);
        assertThat(declined.status()).as(declined.body()).isEqualTo(402);
        assertThat(declined.json().get("type").asString()).isEqualTo("/problems/card-declined");
        assertThat(declined.json().get("payment").get("state").asString()).isEqualTo("declined");

        {
            Http.Reply replay = Http.post(base(), "/payments", key, body);
            assertThat(replay.status()).isEqualTo(402);
            assertThat(replay.replayed()).isTrue();
            assertThat(replay.body()).isEqualTo(declined.body());
        }
        assertThat(ledgerTransactionsOf(declined.json().get("paymentId").asString())).isZero();
        assertThat(Http.get(base(), "/accounts/cust_44").json().get("balance").asLong()).isEqualTo(before);
    }
}
