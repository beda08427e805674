package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        List<String> keys = new ArrayList<>();
        Map<String, List<Http.Reply>> replies = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int wave = 0; wave < KEYS / KEYS_AT_ONCE; wave++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> inFlight = new ArrayList<>();
                for (int k = 0; k < KEYS_AT_ONCE; k++) {
                    String key = UUID.randomUUID().toString();
                    keys.add(key);
                    int n = wave * KEYS_AT_ONCE + k;
                    String body = "{\"amount\":" + (100 + n) + ",\"currency\":\"EUR\",\"customer\":\"cust_" + (1 + n % 1000)
                            + "\",\"merchant\":\"merch_" + (1 + n % 10) + "\"}";
                    List<Http.Reply> forKey = new CopyOnWriteArrayList<>();
                    replies.put(key, forKey);
                    for (int d = 0; d < DUPLICATES; d++) {
                        inFlight.add(pool.submit(() -> {
                            start.await();
                            forKey.add(Http.post(base(), "/payments", key, body));
                            return null;
                        }));
                    }
                }
                start.countDown();
                for (Future<?> f : inFlight) {
                    f.get();
                }
            }
        }
        for (String key : keys) {
            List<Http.Reply> forKey = replies.get(key);
            List<Http.Reply> created = forKey.stream().filter(r -> r.status() == 201).toList();
            assertThat(created).as("key " + key + " has a 201").isNotEmpty();
            assertThat(created.stream().filter(r -> !r.replayed())).as("exactly one original answer for " + key).hasSize(1);
            assertThat(created).extracting(Http.Reply::body).as("identical replays").containsOnly(created.getFirst().body());
            assertThat(forKey).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(201, 409));
        }
        String[] keyArray = keys.toArray(String[]::new);
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE idempotency_key = ANY(?)").param(keyArray).query(Long.class).single())
                .isEqualTo(KEYS);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_transactions t JOIN payments p ON p.id = t.payment_id WHERE p.idempotency_key = ANY(?)")
                .param(keyArray).query(Long.class).single()).isEqualTo(KEYS);
        assertThat(Http.get(base(), "/ledger/verify").json().get("anomalyCount").asLong()).isZero();
    }
}
