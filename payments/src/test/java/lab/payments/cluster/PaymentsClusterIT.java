package lab.payments.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.cluster.LocalCluster;
import lab.payments.support.DuplicateStorm;
import lab.payments.support.Http;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two payments nodes, the processor node, an id-generator node (with ZooKeeper), PostgreSQL and
 * Kafka as real processes through the local launcher; nodes are killed with SIGKILL. Every test ends with the whole-history
 * invariants: one charge per payment at the processor, reconciliation with zero anomalies, and
 * every committed event on Kafka (after dedupe by event ID).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentsClusterIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        // One id-generator node is enough here; PaymentIdsClusterIT kills one of two.
        cluster = LocalCluster.builder().service("id-generator").service("processor").service("payments")
                .nodes("idgen-1", "processor", "payments-1", "payments-2").kafkaBrokers(1).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static URI node(int i) {
        return cluster.url("payments-" + i);
    }

    private static String body(int n) {
        return "{\"amount\":" + (100 + n % 5000) + ",\"currency\":\"EUR\",\"customer\":\"cust_" + (1 + n % 1000) + "\",\"merchant\":\"merch_"
                + (1 + n % 10) + "\"}";
    }

    private static void processorDrill(String json) {
        Http.admin(cluster.url("processor"), json == null ? "DELETE" : "POST", "/admin/faults", cluster.adminToken(), json);
    }

    @Test
    @Order(1)
    void aThousandKeysTimesTwentyDuplicatesOverBothNodesChargeOnceEach() throws Exception {
        int keys = 1000;
        // 20 duplicates per key, alternating between the two nodes.
        DuplicateStorm.assertChargedOncePerKey(DuplicateStorm.fire("dup-", keys, 20, 5, d -> node(1 + d % 2), PaymentsClusterIT::body),
                node(2), PaymentsClusterIT::body);
        assertThat(count("SELECT count(*) FROM payments WHERE idempotency_key LIKE 'dup-%'")).isEqualTo(keys);
        assertThat(count("SELECT count(*) FROM ledger_transactions t JOIN payments p ON p.id = t.payment_id WHERE p.idempotency_key LIKE 'dup-%'"))
                .isEqualTo(keys);
        assertWholeHistoryHolds();
    }

    @Tag("drill") // minutes on 2 cores: ./mvnw verify -Pdrills
    @Test
    @Order(2)
    void aNodeKilledBeforeTheProcessorDecidedIsRecoveredOnTheOtherNode() throws Exception {
        processorDrill("{\"timeoutRate\":1.0}"); // the call reaches the processor, which holds it undecided
        String key = "kill-before-" + UUID.randomUUID();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> Http.post(node(1), "/payments", key, body(1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM payments WHERE idempotency_key = '" + key + "'") == 1);
            cluster.kill("payments-1");
        }
        processorDrill(null);
        Http.Reply settled = Http.postUntilCreated(node(2), key, body(1));
        assertThat(settled.replayed()).isTrue();
        cluster.start("payments-1");
        assertWholeHistoryHolds();
    }

    @Test
    @Order(3)
    void aNodeKilledAfterTheProcessorChargedIsRecoveredWithoutASecondCharge() throws Exception {
        processorDrill("{\"timeoutAfterSuccessRate\":1.0}"); // charged, answer held back
        String key = "kill-after-" + UUID.randomUUID();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> Http.post(node(1), "/payments", key, body(2)));
            await().atMost(Duration.ofSeconds(10)).until(() -> processorAuthorizationsFor(key) == 1);
            cluster.kill("payments-1");
        }
        processorDrill(null);
        Http.Reply settled = Http.postUntilCreated(node(2), key, body(2));
        assertThat(Http.get(cluster.url("processor"), "/charges/" + settled.json().get("id").asString()).json().get("authorizations").asInt())
                .isEqualTo(1);
        cluster.start("payments-1");
        assertWholeHistoryHolds();
    }

    @Tag("drill") // minutes on 2 cores: ./mvnw verify -Pdrills
    @Test
    @Order(4)
    void killsUnderLoadAtEveryPhaseLeaveOneChargePerKey() throws Exception {
        // Continuous load on payments-1 catches requests in every phase, including between the
        // post-call statements and their commit; each key is then retried on payments-2.
        List<String> keys = new CopyOnWriteArrayList<>();
        for (int round = 0; round < 3; round++) {
            int target = keys.size() + 100;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < 8; c++) {
                    int client = c;
                    pool.submit(() -> {
                        for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                            String key = "load-" + UUID.randomUUID();
                            keys.add(key);
                            Http.post(node(1), "/payments", key, body(client * 1000 + i));
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> keys.size() > target);
                cluster.kill("payments-1");
                pool.shutdownNow();
            }
            for (String key : keys) {
                if (count("SELECT count(*) FROM payments WHERE idempotency_key = '" + key + "'") == 1) {
                    Http.postUntilCreated(node(2), key, bodyOf(key));
                }
            }
            cluster.start("payments-1");
        }
        assertWholeHistoryHolds();
    }

    @Tag("drill") // minutes on 2 cores: ./mvnw verify -Pdrills
    @Test
    @Order(5)
    void kafkaDownPaymentsKeepWorkingAndTheBacklogDrainsLater() throws Exception {
        cluster.kill("kafka-1");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = "nokafka-" + UUID.randomUUID();
            keys.add(key);
            assertThat(Http.post(node(1 + i % 2), "/payments", key, body(i)).status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL") >= 100);
        assertThat(Http.get(node(1), "/actuator/prometheus").body()).containsPattern("payments_outbox_backlog\\{[^}]*} [1-9]");
        cluster.start("kafka-1");
        await().atMost(Duration.ofSeconds(90)).until(() -> count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL") == 0);
        assertWholeHistoryHolds();
    }

    /** Every payment charged once, reconciliation clean on both nodes, every committed event on Kafka. */
    private static void assertWholeHistoryHolds() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM payment_operations WHERE status = 'pending'") == 0);
        for (int i = 1; i <= 2; i++) {
            var verify = Http.get(node(i), "/ledger/verify").json();
            assertThat(verify.get("anomalyCount").asLong()).as(verify.toString()).isZero();
            assertThat(verify.get("processorChecked").asBoolean()).isTrue();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL") == 0);
        Set<String> committed = new HashSet<>();
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery("SELECT event_id FROM outbox_events")) {
            while (rs.next()) {
                committed.add(rs.getString(1));
            }
        }
        Map<String, String> seen = consumeAllEvents();
        assertThat(seen.keySet()).as("every committed event reached Kafka; nothing else did").isEqualTo(committed);
    }

    private static Map<String, String> consumeAllEvents() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.infrastructure().kafkaBootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, String> byEventId = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor("payments.events", Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    String eventId = new String(r.headers().lastHeader("event-id").value(), StandardCharsets.UTF_8);
                    String earlier = byEventId.putIfAbsent(eventId, r.value());
                    assertThat(earlier == null || earlier.equals(r.value())).as("a duplicate of " + eventId + " is identical").isTrue();
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return byEventId;
    }

    private static long processorAuthorizationsFor(String key) throws Exception {
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM payments WHERE idempotency_key = '" + key + "'")) {
            return rs.next() ? Http.get(cluster.url("processor"), "/charges/" + rs.getString(1)).json().get("authorizations").asInt() : 0;
        }
    }

    private static String bodyOf(String key) throws Exception {
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT amount_minor, customer_id, merchant_id FROM payments WHERE idempotency_key = '" + key + "'")) {
            rs.next();
            return "{\"amount\":" + rs.getLong(1) + ",\"currency\":\"EUR\",\"customer\":\"" + rs.getString(2) + "\",\"merchant\":\"" + rs.getString(3) + "\"}";
        }
    }

    private static long count(String sql) throws Exception {
        return new PaymentsDb(cluster).count(sql);
    }

    private static Connection db() throws Exception {
        return new PaymentsDb(cluster).connect();
    }
}
