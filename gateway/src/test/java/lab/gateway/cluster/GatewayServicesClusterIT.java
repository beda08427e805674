package lab.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.cluster.LocalCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of the services it routes to beyond ids and limits: kv-store (two nodes),
 * payments (one node, with the processor), message-queue (one node), each a real process with its
 * real infrastructure (PostgreSQL, Kafka, ZooKeeper, Redis) started by the local launcher, one
 * node after another. Every route of the table is exercised through {@code :gateway}, including a
 * WebSocket and an SSE stream on real mq nodes; one payment is followed by its trace id from the
 * gateway to the notification in its merchant's channel; and a kv node is killed under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("drill") // over two minutes on 2 cores: ./mvnw verify -Pdrills
class GatewayServicesClusterIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static LocalCluster cluster;
    private static URI gateway;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.builder()
                .service("id-generator").service("rate-limiter").service("kv-store").service("processor").service("payments")
                .service("message-queue").service("gateway")
                .nodes("idgen-1", "ratelimit-1", "kv-1", "kv-2", "processor", "payments-1", "mq-1", "gateway")
                .readyTimeout(Duration.ofMinutes(5)) // eight JVMs one after another on two busy cores
                .start();
        gateway = cluster.url("gateway");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(Http.get(gateway, "/accounts/merch_1", Map.of()).statusCode()).isEqualTo(200);
            assertThat(Http.get(gateway, "/channels/general/messages", Map.of()).statusCode()).isEqualTo(200);
            assertThat(Http.get(gateway, "/kv/probe?r=1", Map.of()).statusCode()).isIn(200, 404);
        });
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void kvRouteReachesTheStore() {
        HttpResponse<String> put = Http.send("PUT", gateway.resolve("/kv/gw-route?w=1"), Map.of("Content-Type", "text/plain"), "through-the-edge");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        assertThat(put.headers().firstValue("X-Gateway-Instance").orElseThrow()).startsWith("kv-");
        HttpResponse<String> get = Http.get(gateway, "/kv/gw-route?r=1", Map.of());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("through-the-edge");
        assertThat(Http.get(gateway, "/kv/gw-absent?r=1", Map.of()).body()).contains("/problems/key-not-found");
    }

    @Test
    @Order(2)
    void paymentsAccountsAndLedgerRoutesReachPayments() {
        HttpResponse<String> account = post("/accounts", "{\"type\":\"merchant\",\"currency\":\"EUR\"}", Map.of());
        assertThat(account.statusCode()).as(account.body()).isEqualTo(201);
        String merchant = json(account).get("id").asString();
        HttpResponse<String> payment = post("/payments",
                "{\"amount\":1999,\"currency\":\"EUR\",\"customer\":\"cust_5\",\"merchant\":\"" + merchant + "\"}", Map.of());
        assertThat(payment.statusCode()).as(payment.body()).isEqualTo(201);
        assertThat(payment.headers().firstValue("X-Gateway-Instance")).hasValue("payments-1");
        String id = json(payment).get("id").asString();
        assertThat(json(Http.get(gateway, "/payments/" + id, Map.of())).get("state").asString()).isEqualTo("captured");
        assertThat(json(Http.get(gateway, "/accounts/" + merchant, Map.of())).toString()).contains(merchant);
        HttpResponse<String> verify = Http.get(gateway, "/ledger/verify", Map.of());
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(json(verify).get("anomalyCount").asLong()).as(verify.body()).isZero();
    }

    @Test
    @Order(3)
    void channelsHistoryAnSseStreamAndAWebSocketWorkThroughTheGateway() throws Exception {
        String ws = "ws" + gateway.toString().substring("http".length()) + "/channels/ws";
        try (ChannelStreams.Sse sse = new ChannelStreams.Sse(gateway.resolve("/channels/gw-sse/stream"));
             ChannelStreams.Ws socket = new ChannelStreams.Ws(URI.create(ws))) {
            socket.send("{\"type\":\"subscribe\",\"channel\":\"gw-ws\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.data.stream().anyMatch(d -> d.contains("\"nextSeq\""))
                    && socket.frames.stream().anyMatch(f -> f.contains("\"subscribed\"")));
            assertThat(sse.status).isEqualTo(200);
            for (String channel : List.of("gw-sse", "gw-ws")) {
                HttpResponse<String> published = post("/channels/" + channel + "/messages",
                        "{\"sender\":\"edge\",\"text\":\"hello " + channel + "\"}", Map.of());
                assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
                assertThat(published.headers().firstValue("X-Gateway-Instance")).hasValue("mq-1");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.data.stream().anyMatch(d -> d.contains("\"text\":\"hello gw-sse\"")));
            await().atMost(Duration.ofSeconds(20)).until(() -> socket.frames.stream().anyMatch(f -> f.contains("\"text\":\"hello gw-ws\"")));
        }
        JsonNode history = json(Http.get(gateway, "/channels/gw-ws/messages?afterSeq=0", Map.of()));
        assertThat(history.get("messages").get(0).get("text").asString()).isEqualTo("hello gw-ws");
    }

    @Test
    @Order(4)
    void onePaymentIsFollowedByItsTraceIdFromTheGatewayToItsMerchantsChannel() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        HttpResponse<String> payment = post("/payments", "{\"amount\":4200,\"currency\":\"EUR\",\"customer\":\"cust_9\",\"merchant\":\"merch_3\"}",
                Map.of("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01"));
        assertThat(payment.statusCode()).as(payment.body()).isEqualTo(201);
        assertThat(payment.headers().firstValue("X-Trace-Id")).hasValue(traceId);
        String paymentId = json(payment).get("id").asString();

        // The notification in the merchant's channel names the payment and carries the trace id.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<JsonNode> notifications = new ArrayList<>();
            json(Http.get(gateway, "/channels/merchant-merch_3/messages?limit=1000", Map.of())).get("messages").forEach(m -> {
                JsonNode event = JSON.readTree(m.get("text").asString());
                if (paymentId.equals(event.get("paymentId").asString())) {
                    notifications.add(event);
                }
            });
            assertThat(notifications).extracting(e -> e.get("type").asString()).contains("payment.processing", "payment.captured");
            assertThat(notifications).allMatch(e -> traceId.equals(e.get("traceId").asString()));
        });
        // Every hop's Kafka records carry the trace: the payment's events and the notification's log record.
        assertThat(traceparentsOf("payments.events", paymentId)).hasSizeGreaterThanOrEqualTo(2).allMatch(t -> t.contains(traceId));
        assertThat(traceparentsOf("mq.messages", "merchant-merch_3")).anyMatch(t -> t.contains(traceId));
        // And the nodes' log lines about it: the payment's operation on payments-1, the notification on mq-1.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(linesWith(traceId, "payments-1")).anyMatch(l -> l.contains(paymentId));
            assertThat(linesWith(traceId, "mq-1")).anyMatch(l -> l.contains("payments event") && l.contains("merchant-merch_3"));
        });
    }

    @Test
    @Order(5)
    void aKvNodeKilledUnderLoadCostsAtMostTheRequestsInFlightAndTheOtherNodeTakesAll() throws Exception {
        int clients = 6;
        record Answer(long startNanos, int status, String instance) {
        }
        List<Answer> answers = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        long killedAt;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                pool.submit(() -> {
                    // An issued key per client: each has its own edge bucket, as before keys had to be issued.
                    Map<String, String> key = Map.of("X-Api-Key", Http.issueApiKey(gateway, cluster.adminToken()), "Content-Type", "text/plain");
                    for (int i = 0; running.get(); i++) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = i % 2 == 0
                                    ? Http.send("PUT", gateway.resolve("/kv/load-" + client + "-" + i + "?w=1"), key, "v" + i)
                                    : Http.send("GET", gateway.resolve("/kv/load-" + client + "-" + (i - 1) + "?r=1"), key, null);
                            answers.add(new Answer(start, r.statusCode(), r.headers().firstValue("X-Gateway-Instance").orElse("?")));
                            if (r.statusCode() >= 500) {
                                errors.add(r.statusCode() + " " + r.body());
                            }
                        } catch (RuntimeException e) {
                            errors.add(e.toString());
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> answers.size() > 60);
            cluster.kill("kv-2");
            killedAt = System.nanoTime();
            int atKill = answers.size();
            await().atMost(Duration.ofSeconds(120)).until(() -> answers.size() > atKill + 200);
            running.set(false);
        }
        assertThat(errors).as("errors after killing kv-2 (at most one per request in flight)").hasSizeLessThanOrEqualTo(clients);
        List<Answer> afterKill = answers.stream().filter(a -> a.startNanos() > killedAt).toList();
        assertThat(afterKill).hasSizeGreaterThan(200).allMatch(a -> a.instance().equals("kv-1"), "served by kv-1")
                .allMatch(a -> a.status() < 500, "no 5xx");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Http.get(gateway, "/actuator/edge", Map.of("Authorization", "Bearer " + cluster.adminToken())).body()).contains("\"live\":[\"kv-1\"]"));
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new java.util.HashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", UUID.randomUUID().toString());
        return Http.send("POST", gateway.resolve(path), headers, body);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static List<String> linesWith(String text, String node) throws Exception {
        return Files.readAllLines(cluster.node(node).logFile(), StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).toList();
    }

    /** The {@code traceparent} header of every record of {@code topic} with the given key, from the beginning. */
    private static List<String> traceparentsOf(String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.infrastructure().kafkaBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header traceparent = r.headers().lastHeader("traceparent");
                    if (key.equals(r.key()) && traceparent != null) {
                        found.add(new String(traceparent.value(), StandardCharsets.UTF_8));
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return found;
    }
}
