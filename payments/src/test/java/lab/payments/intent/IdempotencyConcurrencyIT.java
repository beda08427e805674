package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import lab.payments.support.DuplicateStorm;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 200 keys x 20 concurrent duplicates on one node (the two-node 1 000-key run is in
 * {@code PaymentsClusterIT}): exactly one payment and one ledger transaction per key; every
 * answer is the first answer (identical bytes) or a 409.
 */
class IdempotencyConcurrencyIT extends PaymentsNodeTest {

    private static final int KEYS = 200;
    private static final int DUPLICATES = 20;
    private static final int KEYS_AT_ONCE = 4;

    @Autowired
    JdbcClient jdbc;

    @Test
    void concurrentDuplicatesChargeOnce() throws Exception {
        java.util.function.IntFunction<String> body = n -> "{\"amount\":" + (100 + n) + ",\"currency\":\"EUR\",\"customer\":\"cust_"
                + (1 + n % 1000) + "\",\"merchant\":\"merch_" + (1 + n % 10) + "\"}";
        Map<String, List<Http.Reply>> replies = DuplicateStorm.fire("", KEYS, DUPLICATES, KEYS_AT_ONCE, d -> base(), body);
        DuplicateStorm.assertChargedOncePerKey(replies, base(), body);
        List<String> keys = List.copyOf(replies.keySet());
        String[] keyArray = keys.toArray(String[]::new);
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE idempotency_key = ANY(?)").param(keyArray).query(Long.class).single())
                .isEqualTo(KEYS);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_transactions t JOIN payments p ON p.id = t.payment_id WHERE p.idempotency_key = ANY(?)")
                .param(keyArray).query(Long.class).single()).isEqualTo(KEYS);
        assertThat(Http.get(base(), "/ledger/verify").json().get("anomalyCount").asLong()).isZero();
    }
}
