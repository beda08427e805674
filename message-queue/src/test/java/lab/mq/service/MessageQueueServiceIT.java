package lab.mq.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import lab.cluster.infra.Infrastructure;
import lab.mq.support.Http;
import lab.mq.support.SingleNode;
import lab.mq.support.SseClient;
import lab.mq.support.WsClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** One node against a real Kafka broker process: the HTTP, SSE and WebSocket contracts end to end. */
class MessageQueueServiceIT {

    private static SingleNode started;
    private static Infrastructure infra;
    private static URI node;

    @BeforeAll
    static void start() throws Exception {
        started = SingleNode.start("service", "mq-9", "--mq.kafka.partitions=4", "--mq.fanout.send-queue-capacity=16");
        infra = started.infra;
        node = started.node;
    }

    @AfterAll
    static void stop() {
        if (started != null) {
            started.close();
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void publishesGetConsecutiveSequenceNumbersFromTheLogAndHistoryReturnsThemInOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Http.Answer answer = Http.publish(node, "history-1", "ann", "hello " + i, null);
            assertThat(answer.status()).as(answer.raw().body()).isEqualTo(201);
            assertThat(answer.body().get("seq").asLong()).isEqualTo(i);
            assertThat(answer.body().get("id").isString()).isTrue();
            ids.add(answer.body().get("id").asString());
        }
        JsonNode all = Http.get(node.resolve("/channels/history-1/messages")).body();
        assertThat(all.get("headSeq").asLong()).isEqualTo(5);
        assertThat(all.get("messages").valueStream().map(m -> m.get("text").asString()).toList())
                .containsExactly("hello 1", "hello 2", "hello 3", "hello 4", "hello 5");
        JsonNode after = Http.get(node.resolve("/channels/history-1/messages?after=" + ids.get(1) + "&limit=2")).body();
        assertThat(after.get("messages").valueStream().map(m -> m.get("seq").asLong()).toList()).containsExactly(3L, 4L);
    }

    @Test
    void badInputIsA4xxProblemAndPublishesNothing() {
        assertProblem(Http.publish(node, "bad-1", "ann", "   ", null), 400, "/problems/invalid-message");
        assertProblem(Http.publish(node, "bad-1", "", "hi", null), 400, "/problems/invalid-message");
        assertProblem(Http.publish(node, "bad-1", "ann", "x".repeat(4001), null), 413, "/problems/message-too-large");
        assertProblem(Http.publish(node, "bad%20channel", "ann", "hi", null), 400, "/problems/invalid-channel");
        assertProblem(Http.post(node.resolve("/channels/bad-1/messages"), "{\"sender\":\"ann\"", null), 400, "/problems/malformed-request");
        assertProblem(Http.post(node.resolve("/channels/bad-1/messages"), "{\"sender\":\"a\",\"text\":\"b\",\"x\":1}", null), 400,
                "/problems/unknown-field");
        assertProblem(Http.get(node.resolve("/channels/bad-1/messages?limit=0")), 400, "/problems/invalid-parameter");
        assertProblem(Http.get(node.resolve("/channels/bad-1/messages?after=123")), 404, "/problems/unknown-message");
        // A valid publish afterwards is number 1: none of the above reached the log.
        assertThat(Http.publish(node, "bad-1", "ann", "ok", null).body().get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void resumePointsAndLimitsAtTheEdgeOfALongAreRefusedNotWrapped() throws Exception {
        assertThat(Http.publish(node, "edge-1", "ann", "one", null).status()).isEqualTo(201);
        for (String afterSeq : List.of("9223372036854775807", "9223372036854775808", "9007199254740992", "-1", "-9223372036854775808", "1e3", "x")) {
            assertProblem(Http.get(node.resolve("/channels/edge-1/messages?afterSeq=" + afterSeq)), 400, "/problems/invalid-resume-point");
            assertProblem(Http.get(node.resolve("/channels/edge-1/stream?afterSeq=" + afterSeq)), 400, "/problems/invalid-resume-point");
            assertProblem(Http.getWithHeader(node.resolve("/channels/edge-1/stream"), "Last-Event-ID", afterSeq), 400,
                    "/problems/invalid-resume-point");
        }
        for (String limit : List.of("9223372036854775807", "2147483648", "-2147483648", "1001", "-1", "lots")) {
            assertProblem(Http.get(node.resolve("/channels/edge-1/messages?limit=" + limit)), 400, "/problems/invalid-parameter");
        }
        // The largest resume point a client may name is served (nothing after it yet), not refused.
        Http.Answer atTheBound = Http.get(node.resolve("/channels/edge-1/messages?afterSeq=9007199254740991"));
        assertThat(atTheBound.status()).as(atTheBound.raw().body()).isEqualTo(200);
        assertThat(atTheBound.body().get("messages").size()).isZero();
        assertThat(atTheBound.body().has("discontinuity")).isFalse();

        try (WsClient ws = new WsClient(node)) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"edge-1\",\"afterSeq\":9223372036854775807}");
            ws.send("{\"type\":\"subscribe\",\"channel\":\"edge-1\",\"afterSeq\":\"9007199254740992\"}");
            ws.send("{\"type\":\"subscribe\",\"channel\":\"edge-1\",\"afterSeq\":1e300}");
            ws.send("{\"type\":\"subscribe\",\"channel\":\"edge-1\",\"afterSeq\":-1}");
            await().atMost(10, TimeUnit.SECONDS).until(() -> ws.count("problem") == 4);
            assertThat(ws.count("subscribed")).isZero();
            ws.send("{\"type\":\"subscribe\",\"channel\":\"edge-1\",\"afterSeq\":0}");
            await().atMost(10, TimeUnit.SECONDS).until(() -> ws.seqs("edge-1").size() == 1);
        }
        assertThat(Http.get(node.resolve("/channels/edge-1/messages")).body().get("headSeq").asLong()).isEqualTo(1);
    }

    @Test
    void merchantChannelsRefusePublicPublishesAndStillCarryTheirPaymentEvents() {
        // A public caller tries to post into a merchant's channel, and to take the key the bridge will use for event e-90.
        for (String channel : List.of("merchant-90", "MERCHANT-90", "Merchant-90")) {
            Http.Answer refused = Http.publish(node, channel, "payments", "{\"eventId\":\"e-90\",\"type\":\"payment.captured\"}",
                    "payments-event-e-90");
            assertProblem(refused, 403, "/problems/reserved-channel");
        }
        assertThat(Http.get(node.resolve("/channels/merchant-90/messages")).body().get("headSeq").asLong())
                .as("nothing was appended").isZero();

        sendPaymentEvents("{\"eventId\":\"e-90\",\"type\":\"payment.captured\",\"merchantId\":\"90\",\"paymentId\":\"p-90\"}");
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300))
                .until(() -> Http.get(node.resolve("/channels/merchant-90/messages")).body().get("headSeq").asLong() == 1);
        JsonNode message = Http.get(node.resolve("/channels/merchant-90/messages")).body().get("messages").get(0);
        assertThat(message.get("sender").asString()).isEqualTo("payments");
        assertThat(Http.JSON.readTree(message.get("text").asString()).get("paymentId").asString()).isEqualTo("p-90");
    }

    private static void sendPaymentEvents(String... events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String event : events) {
                producer.send(new ProducerRecord<>("payments.events", "p", event));
            }
            producer.flush();
        }
    }

    private static void assertProblem(Http.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(answer.body().get("type").asString()).isEqualTo(type);
        assertThat(answer.body().get("node").asString()).isEqualTo("mq-9");
    }

    @Test
    void aRetriedPublishWithTheSameIdempotencyKeyGivesOneMessage() {
        Http.Answer first = Http.publish(node, "idem-1", "ann", "pay day", "key-123");
        Http.Answer retry = Http.publish(node, "idem-1", "ann", "pay day", "key-123");
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body().get("id").asString()).isEqualTo(first.body().get("id").asString());
        assertThat(retry.body().get("seq").asLong()).isEqualTo(1);
        assertProblem(Http.publish(node, "idem-1", "ann", "other text", "key-123"), 422, "/problems/idempotency-key-reused");
        assertThat(Http.publish(node, "idem-1", "ann", "next", null).body().get("seq").asLong()).isEqualTo(2);
        assertThat(Http.get(node.resolve("/channels/idem-1/messages")).body().get("messages").size()).isEqualTo(2);
    }

    @Test
    void sseResumesThroughLastEventIdWithoutGapOrDuplicate() {
        URI stream = node.resolve("/channels/sse-1/stream");
        List<Long> seen = new ArrayList<>();
        try (SseClient first = new SseClient(stream, null)) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> first.events().stream().anyMatch(e -> e.type().equals("subscribed")));
            for (int i = 0; i < 3; i++) {
                Http.publish(node, "sse-1", "ann", "m" + i, null);
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> first.seqs().size() == 3);
            seen.addAll(first.seqs());
            assertThat(first.lastEventId()).isEqualTo("3");
        }
        // Published while the client is away.
        for (int i = 3; i < 6; i++) {
            Http.publish(node, "sse-1", "ann", "m" + i, null);
        }
        try (SseClient again = new SseClient(stream, "3")) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> again.seqs().size() == 3);
            Http.publish(node, "sse-1", "ann", "live", null);
            await().atMost(10, TimeUnit.SECONDS).until(() -> again.seqs().size() == 4);
            seen.addAll(again.seqs());
        }
        assertThat(seen).isEqualTo(range(1, 7));
    }

    @Test
    void oneWebSocketFollowsSeveralChannelsAndResumesBySequenceNumber() throws Exception {
        for (int i = 0; i < 3; i++) {
            Http.publish(node, "ws-a", "ann", "a" + i, null);
        }
        WsClient ws = new WsClient(node);
        ws.send("{\"type\":\"subscribe\",\"channel\":\"ws-a\",\"afterSeq\":1}");
        ws.send("{\"type\":\"subscribe\",\"channel\":\"ws-b\"}");
        ws.send("{\"type\":\"subscribe\",\"channel\":\"no/good\"}");
        await().atMost(10, TimeUnit.SECONDS).until(() -> ws.count("subscribed") == 2 && ws.count("problem") == 1);
        Http.publish(node, "ws-b", "bob", "b0", null);
        Http.publish(node, "ws-a", "bob", "a3", null);
        Http.publish(node, "ws-b", "bob", "b1", null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ws.seqs("ws-a").size() == 3 && ws.seqs("ws-b").size() == 2);
        assertThat(ws.seqs("ws-a")).containsExactly(2L, 3L, 4L);
        assertThat(ws.seqs("ws-b")).containsExactly(1L, 2L);
        ws.close();
    }

    @Test
    void paymentEventsBecomeOneNotificationEachInTheMerchantsChannel() {
        sendPaymentEvents(
                "{\"eventId\":\"e-1\",\"type\":\"payment.captured\",\"merchantId\":\"77\",\"paymentId\":\"p-1\"}",
                "{\"eventId\":\"e-2\",\"type\":\"payment.refunded\",\"merchantId\":\"77\",\"paymentId\":\"p-1\"}",
                // The relay's at-least-once duplicate of e-1:
                "{\"eventId\":\"e-1\",\"type\":\"payment.captured\",\"merchantId\":\"77\",\"paymentId\":\"p-1\"}",
                "{\"eventId\":\"e-3\",\"type\":\"payment.captured\",\"merchantId\":\"78\",\"paymentId\":\"p-2\"}");
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300))
                .until(() -> Http.get(node.resolve("/channels/merchant-78/messages")).body().get("headSeq").asLong() == 1);
        JsonNode merchant = Http.get(node.resolve("/channels/merchant-77/messages")).body();
        assertThat(merchant.get("messages").valueStream().map(m -> Http.JSON.readTree(m.get("text").asString()).get("eventId").asString()).toList())
                .containsExactly("e-1", "e-2");
    }
}
