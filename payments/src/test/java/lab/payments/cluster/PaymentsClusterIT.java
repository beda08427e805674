package lab.payments.cluster;

import static lab.payments.support.DemoPayment.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicBoolean;
import lab.cluster.LocalCluster;
import lab.payments.support.DemoPayment;
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
import tools.jackson.databind.JsonNode;

/**
 * Two payments nodes, the processor node, two id-generator nodes (with ZooKeeper), PostgreSQL and
 * Kafka as real processes through the local launcher; nodes are killed with SIGKILL. Every test
 * ends with the whole-history invariants: one charge per payment at the processor, reconciliation
 * with zero anomalies, and every committed event on Kafka (after dedupe by event ID). The payments
 * nodes prefetch small batches of IDs (40, about eight payments), so they fetch often and an
 * id-generator kill lands on fetches; the last tests kill the generators.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentsClusterIT {

    private static final int CLIENTS = 6;
    private static final int ID_BATCH = 40;

    private static LocalCluster cluster;
    private static Instant started;
    private static final Set<Integer> generatorWorkerIds = new HashSet<>();
    private static final List<String> createdPaymentIds = new CopyOnWriteArrayList<>();

    /** One request of the history: which key, on which node, when, and what came back. */
    private record Call(String key, String body, int node, long startNanos, long endNanos, int status, String paymentId) {
        boolean overlaps(long fromNanos, long toNanos) {
            return startNanos <= toNanos && endNanos >= fromNanos;
        }
    }

    @BeforeAll
    static void start() {
        started = Instant.now();
        cluster = LocalCluster.builder().service("id-generator").service("processor").service("payments").kafkaBrokers(1)
                .env("payments-1", "PAYMENTS_IDGEN_BATCH", Integer.toString(ID_BATCH))
                .env("payments-2", "PAYMENTS_IDGEN_BATCH", Integer.toString(ID_BATCH))
                .start();
        for (String generator : List.of("idgen-1", "idgen-2")) {
            generatorWorkerIds.add(Http.post(cluster.url(generator), "/ids?count=1", null, null).json().get("workerId").asInt());
        }
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

    private static void processorDrill(String json) {
        Http.admin(cluster.url("processor"), json == null ? "DELETE" : "POST", "/admin/faults", cluster.adminToken(), json);
    }

    @Test
    @Order(1)
    void aThousandKeysTimesTwentyDuplicatesOverBothNodesChargeOnceEach() throws Exception {
        int keys = 1000;
        // 20 duplicates per key, alternating between the two nodes.
        DuplicateStorm.assertChargedOncePerKey(DuplicateStorm.fire("dup-", keys, 20, 5, d -> node(1 + d % 2), DemoPayment::body),
                node(2), DemoPayment::body);
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

    @Test
    @Order(6)
    void oneIdGeneratorKilledUnderLoadCostsAtMostTheRequestsInFlight() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        long killStart;
        long killEnd;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String key = "ids-" + UUID.randomUUID();
                        String body = body(client * 1000 + i);
                        int n = 1 + (client + i) % 2;
                        long t0 = System.nanoTime();
                        Http.Reply reply = Http.post(node(n), "/payments", key, body);
                        String id = reply.status() == 201 ? reply.json().get("id").asString() : null;
                        calls.add(new Call(key, body, n, t0, System.nanoTime(), reply.status(), id));
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> created(calls) >= 60);
            killStart = System.nanoTime();
            cluster.kill("idgen-2");
            killEnd = System.nanoTime();
            // Spring Cloud LoadBalancer's health checks take the dead generator out of both nodes' rotation.
            for (int n = 1; n <= 2; n++) {
                int payments = n;
                await().atMost(Duration.ofSeconds(20)).until(() -> generatorInRotation(payments, "idgen-2") == 0
                        && generatorInRotation(payments, "idgen-1") == 1);
            }
            long createdAtKill = created(calls);
            await().atMost(Duration.ofSeconds(180)).until(() -> created(calls) >= createdAtKill + 120);
            running.set(false);
        }

        List<Call> failed = calls.stream().filter(c -> c.status() != 201).toList();
        System.out.printf("[ids drill] %d requests, %d created, %d failed (%d in flight at the kill)%n", calls.size(), created(calls),
                failed.size(), calls.stream().filter(c -> c.overlaps(killStart, killEnd)).count());
        assertThat(failed).as("only requests in flight while idgen-2 died may fail").allMatch(c -> c.overlaps(killStart, killEnd));
        assertThat(failed.size()).isLessThanOrEqualTo(CLIENTS);
        assertThat(calls.stream().filter(c -> c.status() == 201 && c.startNanos() > killEnd).count())
                .as("payments kept being created on idgen-1's IDs").isGreaterThanOrEqualTo(100);
        for (Call call : failed) {
            createdPaymentIds.add(Http.postUntilCreated(node(call.node()), call.key(), call.body()).json().get("id").asString());
        }
        calls.stream().filter(c -> c.paymentId() != null).forEach(c -> createdPaymentIds.add(c.paymentId()));
        assertIdsUniqueAndIssuedByTheGenerators();
        assertWholeHistoryHolds();
    }

    @Test
    @Order(7)
    void withNoIdGeneratorAPaymentIsA503ThatWritesNothingAndItsKeyWorksOnceOneIsBack() throws Exception {
        String earlierKey = "ids-replay-" + UUID.randomUUID();
        assertThat(Http.post(node(1), "/payments", earlierKey, body(7)).status()).isEqualTo(201);
        for (String generator : List.of("idgen-1", "idgen-2")) {
            if (cluster.node(generator).isRunning()) {
                cluster.kill(generator);
            }
        }
        List<Call> refused = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            // The IDs in hand (at most one batch) serve a few more payments; then the node must refuse.
            Http.Reply reply = null;
            String key = null;
            String body = null;
            for (int attempt = 0; attempt < ID_BATCH + 5; attempt++) {
                key = "ids-down-" + UUID.randomUUID();
                body = body(attempt);
                reply = Http.post(node(n), "/payments", key, body);
                if (reply.status() != 201) {
                    break;
                }
                createdPaymentIds.add(reply.json().get("id").asString());
            }
            assertThat(reply.status()).as(reply.body()).isEqualTo(503);
            assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(reply.json().get("type").asString()).endsWith("/problems/ids-unavailable");
            assertThat(reply.headers().firstValue("Retry-After")).isPresent();
            assertThat(count("SELECT count(*) FROM payments WHERE idempotency_key = '" + key + "'")).isZero();
            assertThat(count("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'")).isZero();
            refused.add(new Call(key, body, n, 0, 0, reply.status(), null));
        }
        Http.Reply replay = Http.post(node(2), "/payments", earlierKey, body(7));
        assertThat(replay.status()).as("a finished key is still replayed without the id-generator").isEqualTo(201);
        assertThat(replay.replayed()).isTrue();
        assertWholeHistoryHolds();

        cluster.start("idgen-1");
        // The restarted generator may hold a new worker ID: the lease of the killed process stays taken until its
        // ZooKeeper session expires. Its IDs are still "issued by a generator", under the worker ID it holds now.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Http.Reply issued = Http.post(cluster.url("idgen-1"), "/ids?count=1", null, null);
            assertThat(issued.status()).as(issued.body()).isEqualTo(200);
            generatorWorkerIds.add(issued.json().get("workerId").asInt());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> generatorInRotation(1, "idgen-1") == 1 && generatorInRotation(2, "idgen-1") == 1);
        for (Call call : refused) {
            Http.Reply created = Http.postUntilCreated(node(call.node()), call.key(), call.body());
            assertThat(created.replayed()).as("the refused request had not consumed its key").isFalse();
            createdPaymentIds.add(created.json().get("id").asString());
        }
        assertIdsUniqueAndIssuedByTheGenerators();
        assertWholeHistoryHolds();
    }

    private static long created(List<Call> calls) {
        return calls.stream().filter(c -> c.status() == 201).count();
    }

    /**
     * Every ID in every table (payments, operations, ledger transactions, events) is distinct after
     * its prefix, and each payment ID of this run decodes, on a generator, to a time within the run
     * and to a worker ID one of the two generators held.
     */
    private static void assertIdsUniqueAndIssuedByTheGenerators() throws Exception {
        List<Long> all = new ArrayList<>();
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT id FROM payments UNION ALL SELECT id FROM payment_operations
                UNION ALL SELECT id FROM ledger_transactions UNION ALL SELECT event_id FROM outbox_events""")) {
            while (rs.next()) {
                String id = rs.getString(1);
                all.add(Long.parseLong(id.substring(id.indexOf('_') + 1)));
            }
        }
        assertThat(all).as("no ID issued twice").doesNotHaveDuplicates();
        URI generator = cluster.url("idgen-1");
        Instant now = Instant.now().plusSeconds(5); // a generator may issue a few milliseconds ahead of its clock
        for (String paymentId : createdPaymentIds) {
            Http.Reply decoded = Http.get(generator, "/ids/" + paymentId.substring("pay_".length()));
            assertThat(decoded.status()).as(paymentId + ": " + decoded.body()).isEqualTo(200);
            JsonNode id = decoded.json();
            assertThat(Instant.ofEpochMilli(id.get("epochMillis").asLong())).as(paymentId).isBetween(started, now);
            assertThat(generatorWorkerIds).as(paymentId).contains(id.get("workerId").asInt());
        }
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
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(cluster.infrastructure().jdbcUrl("payments"), "postgres", "postgres");
    }

    /** {@code lab.internode.peer.ready} for an id-generator node, as payments node {@code n} exports it. */
    private double generatorInRotation(int n, String generator) {
        java.util.regex.Matcher value = java.util.regex.Pattern
                .compile("lab_internode_peer_ready\\{[^}]*peer=\"" + generator + "\"[^}]*} (\\S+)")
                .matcher(Http.get(node(n), "/actuator/prometheus").body());
        return value.find() ? Double.parseDouble(value.group(1)) : -1;
    }

}
