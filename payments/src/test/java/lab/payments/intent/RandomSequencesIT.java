package lab.payments.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Random authorize/capture/refund/cancel sequences, several clients per payment at once, some
 * requests retried with their key: every answer is a legal one, amounts never exceed what they
 * may, the processor agrees with the ledger, and reconciliation finds nothing.
 */
class RandomSequencesIT extends PaymentsNodeTest {

    @Autowired
    JdbcClient jdbc;

    private static final int PAYMENTS = 40;
    private static final int CLIENTS_PER_PAYMENT = 3;
    private static final int STEPS = 6;

    @Test
    void invariantsHoldUnderConcurrentRandomOperations() throws Exception {
        long seed = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
            Http.Reply r = Http.post(base(), "/payments", UUID.randomUUID().toString(),
                    "{\"amount\":" + (1000 + i * 37) + ",\"currency\":\"EUR\",\"customer\":\"cust_" + (300 + i) + "\",\"merchant\":\"merch_"
                            + (1 + i % 10) + "\",\"capture\":\"" + (i % 4 == 0 ? "automatic" : "manual") + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().get("id").asString());
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < PAYMENTS * CLIENTS_PER_PAYMENT; c++) {
                String id = ids.get(c % PAYMENTS);
                Random random = new Random(seed + c);
                clients.add(pool.submit(() -> {
                    for (int step = 0; step < STEPS; step++) {
                        String key = UUID.randomUUID().toString();
                        String path;
                        String body;
                        switch (random.nextInt(3)) {
                            case 0 -> {
                                path = "/payments/" + id + "/capture";
                                body = random.nextBoolean() ? null : "{\"amount\":" + (1 + random.nextInt(3000)) + "}";
                            }
                            case 1 -> {
                                path = "/payments/" + id + "/refunds";
                                body = "{\"amount\":" + (1 + random.nextInt(1500)) + "}";
                            }
                            default -> {
                                path = "/payments/" + id + "/cancel";
                                body = null;
                            }
                        }
                        int attempts = random.nextInt(4) == 0 ? 2 : 1;
                        Http.Reply first = null;
                        for (int a = 0; a < attempts; a++) {
                            Http.Reply reply = Http.post(base(), path, key, body);
                            // 503: the processor did not answer within the deadline; recovery settles it.
                            assertThat(reply.status()).as(path + " " + body + " -> " + reply.body()).isIn(200, 409, 422, 503);
                            if (first != null && first.status() == 200) {
                                assertThat(reply.body()).as("a retry replays the answer").isEqualTo(first.body());
                            }
                            first = first == null ? reply : first;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                jdbc.sql("SELECT count(*) FROM payment_operations WHERE status = 'pending'").query(Long.class).single() == 0);
        for (String id : ids) {
            JsonNode p = Http.get(base(), "/payments/" + id).json();
            long amount = p.get("amount").asLong();
            long captured = p.get("amountCaptured").asLong();
            long refunded = p.get("amountRefunded").asLong();
            assertThat(captured).as(p.toString()).isBetween(0L, amount);
            assertThat(refunded).as(p.toString()).isBetween(0L, captured);
            JsonNode atProcessor = Http.get(processor(), "/charges/" + id).json();
            assertThat(atProcessor.get("authorizations").asInt()).isEqualTo(1);
            assertThat(atProcessor.get("capturedMinor").asLong()).as(p.toString()).isEqualTo(captured);
            assertThat(atProcessor.get("refundedMinor").asLong()).as(p.toString()).isEqualTo(refunded);
        }
        JsonNode verify = Http.get(base(), "/ledger/verify").json();
        assertThat(verify.get("anomalyCount").asLong()).as("seed " + seed + ": " + verify).isZero();
    }
}
