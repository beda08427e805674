package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The payment API on one node against real PostgreSQL, Kafka and the processor node. */
class PaymentApiIT extends PaymentsNodeTest {

    @Autowired
    JdbcClient jdbc;

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private long balance(String account) {
        return Http.get(base(), "/accounts/" + account).json().get("balance").asLong();
    }

    private long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    @Test
    void automaticCaptureChargesOnceAndReplaysTheSameAnswer() {
        long customerBefore = balance("cust_7");
        long merchantBefore = balance("merch_3");
        String key = key();
        String body = "{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_7\",\"merchant\":\"merch_3\",\"description\":\"book\"}";

        Http.Reply first = Http.post(base(), "/payments", key, body);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        JsonNode payment = first.json();
        assertThat(payment.get("state").asString()).isEqualTo("captured");
        assertThat(payment.get("amountCaptured").asLong()).isEqualTo(1999);
        assertThat(payment.get("fee").asLong()).isEqualTo(27); // 1.4 % of 19.99, rounded down
        assertThat(first.replayed()).isFalse();

        Http.Reply again = Http.post(base(), "/payments", key, body);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.replayed()).isTrue();
        assertThat(again.body()).isEqualTo(first.body());

        assertThat(balance("cust_7") - customerBefore).isEqualTo(-1999);
        assertThat(balance("merch_3") - merchantBefore).isEqualTo(1999 - 27);
        String id = payment.get("id").asString();
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_transactions WHERE payment_id = ?").param(id).query(Long.class).single()).isEqualTo(1);
        assertThat(Http.get(processor(), "/charges/" + id).json().get("authorizations").asInt()).isEqualTo(1);
    }

    @Test
    void aKeyReusedWithOtherParametersIs422AndAMissingKeyIs400() {
        String key = key();
        assertThat(Http.post(base(), "/payments", key, "{\"amount\":500,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}").status())
                .isEqualTo(201);
        Http.Reply reused = Http.post(base(), "/payments", key, "{\"amount\":501,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.json().get("type").asString()).isEqualTo("/problems/idempotency-key-reused");

        Http.Reply missing = Http.post(base(), "/payments", null, "{\"amount\":500,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("type").asString()).isEqualTo("/problems/idempotency-key-missing");
    }

    @Test
    void badInputIsAClear4xxAndWritesNothing() {
        long payments = count("payments");
        long keys = count("idempotency_keys");
        String[][] cases = {
                {"{\"amount\":-5,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":0,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":19.99,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":\"1999\",\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":1999,\"currency\":\"XYZ\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/unsupported-currency"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_99999\",\"merchant\":\"merch_1\"}", "422", "/problems/unknown-account"},
                {"{\"amount\":1999,\"currency\":\"USD\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "422", "/problems/account-mismatch"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"merch_2\",\"merchant\":\"merch_1\"}", "422", "/problems/account-mismatch"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\",\"amount_cents\":1}", "400", "/problems/unknown-field"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\",\"capture\":\"later\"}", "400", "/problems/invalid-capture-mode"},
                {"{\"amount\":1999,", "400", "/problems/malformed-request"},
                // Numbers at and past the limits of a long, and past the largest payment:
                {"{\"amount\":9223372036854775807,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":9223372036854775808,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":-9223372036854775808,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":100000000001,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":1e3,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                {"{\"amount\":null,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-amount"},
                // Strings of hostile length or shape:
                {"{\"amount\":1999,\"currency\":\"" + "E".repeat(100_000) + "\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}", "400", "/problems/unsupported-currency"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"" + "c".repeat(100_000) + "\",\"merchant\":\"merch_1\"}", "400", "/problems/invalid-field"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"MERCH_1\"}", "400", "/problems/invalid-field"},
                {"{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\",\"description\":\"" + "d".repeat(501) + "\"}", "400", "/problems/invalid-field"},
        };
        for (String[] c : cases) {
            Http.Reply reply = Http.post(base(), "/payments", key(), c[0]);
            assertThat(reply.status()).as(c[0] + " -> " + reply.body()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
            assertThat(reply.json().get("type").asString()).as(c[0]).isEqualTo(c[2]);
            assertThat(reply.body().length()).as("a problem never echoes a hostile value whole").isLessThan(2_000);
        }
        String valid = "{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_1\",\"merchant\":\"merch_1\"}";
        for (String badKey : new String[] {"k".repeat(256), "k".repeat(5_000), "two words"}) {
            Http.Reply reply = Http.post(base(), "/payments", badKey, valid);
            assertThat(reply.status()).as("key of " + badKey.length()).isEqualTo(400);
            assertThat(reply.json().get("type").asString()).isEqualTo("/problems/idempotency-key-invalid");
        }
        assertThat(count("payments")).isEqualTo(payments);
        assertThat(count("idempotency_keys")).isEqualTo(keys);
    }

    @Test
    void aPaymentThatWouldOverflowABalanceIsRefusedBeforeAnythingIsWrittenOrCharged() {
        String merchant = "merch_edge_" + Long.toHexString(System.nanoTime());
        assertThat(Http.post(base(), "/accounts", key(), "{\"id\":\"" + merchant + "\",\"type\":\"merchant\",\"currency\":\"EUR\"}").status())
                .isEqualTo(201);
        long payments = count("payments");
        long transactions = count("ledger_transactions");
        String body = "{\"amount\":1000,\"currency\":\"EUR\",\"customer\":\"cust_9\",\"merchant\":\"" + merchant + "\"}";
        // A balance near the end of a long (as if it had received that much): one more payment must not wrap it.
        for (long nearEnd : new long[] {Long.MAX_VALUE - 10, 999_999_999_999_999_999L}) {
            jdbc.sql("UPDATE account_balances SET balance_minor = ? WHERE account_id = ? AND shard = 0").params(nearEnd, merchant).update();
            try {
                Http.Reply refused = Http.post(base(), "/payments", key(), body);
                assertThat(refused.status()).as(refused.body()).isEqualTo(422);
                assertThat(refused.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
                assertThat(refused.json().get("type").asString()).isEqualTo("/problems/balance-limit-reached");
                assertThat(balance(merchant)).isEqualTo(nearEnd);
            } finally {
                jdbc.sql("UPDATE account_balances SET balance_minor = 0 WHERE account_id = ?").param(merchant).update();
            }
        }
        assertThat(count("payments")).isEqualTo(payments);
        assertThat(count("ledger_transactions")).isEqualTo(transactions);
        // The same payment against the balance as it really is goes through.
        assertThat(Http.post(base(), "/payments", key(), body).status()).isEqualTo(201);
        assertThat(balance(merchant)).isPositive();
    }

    @Test
    void manualCaptureThenPartialRefundsNeverAboveWhatWasTaken() {
        long customerBefore = balance("cust_8");
        Http.Reply created = Http.post(base(), "/payments", key(),
                "{\"amount\":10000,\"currency\":\"EUR\",\"customer\":\"cust_8\",\"merchant\":\"merch_4\",\"capture\":\"manual\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("state").asString()).isEqualTo("authorized");
        String id = created.json().get("id").asString();
        assertThat(balance("cust_8") - customerBefore).as("funds held").isEqualTo(-10000);

        Http.Reply tooMuch = Http.post(base(), "/payments/" + id + "/capture", key(), "{\"amount\":10001}");
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.json().get("type").asString()).isEqualTo("/problems/amount-above-authorized");

        Http.Reply captured = Http.post(base(), "/payments/" + id + "/capture", key(), "{\"amount\":6000}");
        assertThat(captured.status()).as(captured.body()).isEqualTo(200);
        assertThat(captured.json().get("state").asString()).isEqualTo("captured");
        assertThat(balance("cust_8") - customerBefore).as("the rest of the hold released").isEqualTo(-6000);

        Http.Reply cancelLate = Http.post(base(), "/payments/" + id + "/cancel", key(), null);
        assertThat(cancelLate.status()).isEqualTo(409);
        assertThat(cancelLate.json().get("type").asString()).isEqualTo("/problems/invalid-state-transition");

        assertThat(Http.post(base(), "/payments/" + id + "/refunds", key(), "{\"amount\":2500}").json().get("state").asString())
                .isEqualTo("partially_refunded");
        Http.Reply over = Http.post(base(), "/payments/" + id + "/refunds", key(), "{\"amount\":3501}");
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("type").asString()).isEqualTo("/problems/amount-above-captured");
        Http.Reply rest = Http.post(base(), "/payments/" + id + "/refunds", key(), "{\"amount\":3500}");
        assertThat(rest.json().get("state").asString()).isEqualTo("refunded");
        assertThat(rest.json().get("amountRefunded").asLong()).isEqualTo(6000);
        assertThat(balance("cust_8")).isEqualTo(customerBefore);

        JsonNode entries = Http.get(base(), "/accounts/cust_8/entries?limit=1000").json().get("entries");
        assertThat(entries.valueStream().filter(e -> id.equals(e.get("paymentId").asString())).mapToLong(e -> e.get("amountMinor").asLong()).sum())
                .isZero();
        JsonNode verify = Http.get(base(), "/ledger/verify").json();
        assertThat(verify.get("anomalyCount").asLong()).as(verify.toString()).isZero();
        assertThat(verify.get("processorChecked").asBoolean()).isTrue();
    }

    @Test
    void cancelReleasesTheHoldAndUnknownPaymentsAre404() {
        long before = balance("cust_9");
        String id = Http.post(base(), "/payments", key(),
                "{\"amount\":777,\"currency\":\"EUR\",\"customer\":\"cust_9\",\"merchant\":\"merch_5\",\"capture\":\"manual\"}").json().get("id").asString();
        Http.Reply canceled = Http.post(base(), "/payments/" + id + "/cancel", key(), null);
        assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
        assertThat(canceled.json().get("state").asString()).isEqualTo("canceled");
        assertThat(balance("cust_9")).isEqualTo(before);
        assertThat(Http.get(processor(), "/charges/" + id).json().get("voided").asBoolean()).isTrue();

        assertThat(Http.post(base(), "/payments/pay_0/capture", key(), null).status()).isEqualTo(404);
        assertThat(Http.get(base(), "/payments/pay_0").json().get("type").asString()).isEqualTo("/problems/payment-not-found");
    }

    @Test
    void accountsAreCreatedIdempotentlyAndHistoryCannotBeEdited() {
        String key = key();
        String body = "{\"type\":\"merchant\",\"currency\":\"EUR\"}";
        Http.Reply first = Http.post(base(), "/accounts", key, body);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        Http.Reply again = Http.post(base(), "/accounts", key, body);
        assertThat(again.replayed()).isTrue();
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(Http.post(base(), "/accounts", key(), "{\"id\":\"cust_1\",\"type\":\"customer\",\"currency\":\"EUR\"}").status()).isEqualTo(409);

        assertThat(Http.post(base(), "/payments", key(), "{\"amount\":300,\"currency\":\"EUR\",\"customer\":\"cust_2\",\"merchant\":\"merch_2\"}").status())
                .isEqualTo(201);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql("UPDATE ledger_entries SET amount_minor = amount_minor + 1").update())
                .hasMessageContaining("immutable");
    }
}
