package lab.mq.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lab.cluster.infra.KafkaBroker;
import lab.mq.support.Http;
import lab.mq.support.SingleNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node whose only Kafka broker (a real broker process) is stopped and started again: while it
 * is away a publish is a 503 with Retry-After inside the publish deadline, the node is live and
 * not ready; once it is back, the client's retry with the same Idempotency-Key gives one message.
 */
class KafkaAwayIT {

    private static final Duration PUBLISH_DEADLINE = Duration.ofSeconds(3);

    private static SingleNode started;
    private static URI node;

    @BeforeAll
    static void start() throws Exception {
        started = SingleNode.start("kafka-away", "mq-8", "--mq.kafka.partitions=2",
                "--mq.kafka.request-timeout=" + PUBLISH_DEADLINE.toMillis() + "ms",
                "--mq.publish.ack-timeout=" + PUBLISH_DEADLINE.toMillis() + "ms",
                "--mq.payments.enabled=false");
        node = started.node;
    }

    @AfterAll
    static void stop() {
        if (started != null) {
            started.close();
        }
    }

    @Test
    void withKafkaAwayAPublishIsA503WithRetryAfterInsideItsDeadlineAndTheRetryLaterGivesOneMessage() {
        // The first publish of a fresh node on a busy machine may outlast the short deadline: retried with its key, as a client would.
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> Http.publish(node, "away-1", "ann", "before", "before-key").status() / 100 == 2);
        KafkaBroker broker = started.infra.kafka().brokers().getFirst();
        broker.stop();
        try {
            long started = System.nanoTime();
            Http.Answer refused = Http.publish(node, "away-1", "ann", "while away", "away-key-1");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(503);
            assertThat(refused.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(took).as("answered within the publish deadline (plus scheduling slack)").isLessThan(PUBLISH_DEADLINE.plusSeconds(3));

            assertThat(Http.get(node.resolve("/actuator/health/liveness")).status()).as("live: waiting is all it can do").isEqualTo(200);
            await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                    .until(() -> Http.get(node.resolve("/actuator/health/readiness")).status() == 503);
            // What the node already holds is still served.
            assertThat(Http.get(node.resolve("/channels/away-1/messages")).status()).isEqualTo(200);
        } finally {
            broker.startAndAwaitReady(Duration.ofSeconds(90));
        }
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> Http.get(node.resolve("/actuator/health/readiness")).status() == 200);
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> Http.publish(node, "away-1", "ann", "while away", "away-key-1").status() / 100 == 2);
        assertThat(Http.get(node.resolve("/channels/away-1/messages")).body().get("messages").valueStream()
                .map(m -> m.get("text").asString()).filter("while away"::equals).count())
                .as("the publish that may have reached the log before the 503 and its retries are one message").isEqualTo(1);
    }
}
