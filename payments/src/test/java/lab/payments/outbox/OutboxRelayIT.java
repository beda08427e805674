package lab.payments.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import lab.payments.support.Http;
import lab.payments.support.PaymentsNodeTest;
import lab.payments.support.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A relay that dies between "Kafka acknowledged" and "marked sent" (staged by a store whose mark
 * throws, on the real broker and database) publishes those events again on the next round: the
 * consumer sees every committed event, and every duplicate carries the same event ID and payload.
 */
class OutboxRelayIT extends PaymentsNodeTest {

    @Autowired
    OutboxConfiguration.OutboxJobs jobs;
    @Autowired
    OutboxStore store;
    @Autowired
    EventSink sink;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aRelayKilledBetweenSendAndMarkDuplicatesButNeverLoses() {
        jobs.pause();
        List<String> paymentIds = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Http.Reply r = Http.post(base(), "/payments", UUID.randomUUID().toString(),
                        "{\"amount\":" + (100 + i) + ",\"currency\":\"EUR\",\"customer\":\"cust_" + (20 + i) + "\",\"merchant\":\"merch_6\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                paymentIds.add(r.json().get("id").asString());
            }
            OutboxStore crashesBeforeMark = new OutboxStore(jdbc) {
                @Override
                public void markSent(List<PendingEvent> events) {
                    throw new IllegalStateException("relay killed after Kafka acknowledged " + events.size() + " events");
                }
            };
            OutboxRelay doomed = new OutboxRelay(crashesBeforeMark, sink, () -> true, 10_000, new OutboxRelay.Listener() {
                @Override
                public void published(int events) {
                }

                @Override
                public void failed(Exception cause) {
                }
            });
            // On a loaded machine a round can fail to get every acknowledgement in time (then it
            // marks nothing and is retried); the scenario needs one round that got them all.
            boolean killedAfterAcks = false;
            for (int attempt = 0; attempt < 5 && !killedAfterAcks; attempt++) {
                try {
                    doomed.relayOnce();
                } catch (IllegalStateException expected) {
                    assertThat(expected).hasMessageContaining("relay killed");
                    killedAfterAcks = true;
                }
            }
            assertThat(killedAfterAcks).as("a round got every acknowledgement, then died before marking").isTrue();
            assertThat(store.backlog().events()).as("nothing was marked").isPositive();
        } finally {
            jobs.resume();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> store.backlog().events() == 0);

        List<String[]> committed = jdbc.sql("SELECT event_id, payload FROM outbox_events WHERE payment_id = ANY(?)")
                .param(paymentIds.toArray(String[]::new)).query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        assertThat(committed).hasSize(40); // created + captured for each payment

        Map<String, List<String>> seen = consumeAll(paymentIds);
        for (String[] event : committed) {
            assertThat(seen).as("event " + event[0] + " reached Kafka").containsKey(event[0]);
            assertThat(seen.get(event[0])).as("duplicates of " + event[0] + " are identical").allMatch(event[1]::equals);
            assertThat(seen.get(event[0]).size()).as("the doomed round and the real relay both sent " + event[0]).isGreaterThanOrEqualTo(2);
        }
    }

    private Map<String, List<String>> consumeAll(List<String> paymentIds) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafka.getBrokersAsString());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, List<String>> byEventId = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            // Manual assignment from the beginning: no consumer group, so nothing waits for a coordinator.
            List<TopicPartition> partitions = consumer.partitionsFor("payments.events", Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).alias("every event of these payments, twice").until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (paymentIds.contains(r.key())) {
                        String eventId = new String(r.headers().lastHeader(KafkaEventSink.EVENT_ID_HEADER).value(), StandardCharsets.UTF_8);
                        byEventId.computeIfAbsent(eventId, k -> new ArrayList<>()).add(r.value());
                    }
                }
                return byEventId.size() == 40 && byEventId.values().stream().allMatch(copies -> copies.size() >= 2);
            });
        }
        return byEventId;
    }
}
