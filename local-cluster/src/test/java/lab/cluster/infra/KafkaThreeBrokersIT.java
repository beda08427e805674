package lab.cluster.infra;

import static lab.cluster.infra.InfrastructureIT.consumeAll;
import static lab.cluster.infra.InfrastructureIT.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A three-node KRaft cluster loses its partition leader and keeps taking acks=all writes. */
class KafkaThreeBrokersIT {

    private static final Duration READY = Duration.ofMinutes(3);
    private static final String TOPIC = "payments-events";

    @TempDir
    Path dir;

    KafkaCluster kafka;

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Tag("drill") // a minute on 2 cores: ./mvnw verify -Pdrills
    @Test
    void survivesTheKillOfTheLeaderAndTakesTheBrokerBackIntoTheIsr() throws Exception {
        kafka = KafkaCluster.onFreePorts(dir, 3, Lifetime.BOUND_TO_JVM).startAndAwaitReady(READY);
        kafka.brokers().forEach(broker -> System.out.printf("first start of %s (cluster of 3): %d ms%n",
                broker.name(), broker.startupTime().toMillis()));

        try (Admin admin = kafka.admin()) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofMinutes(1)).until(() -> describe(admin).partitions().getFirst().isr().size() == 3);
            produce(kafka.bootstrapServers(), TOPIC, List.of("a", "b", "c"));

            KafkaBroker leader = kafka.broker(describe(admin).partitions().getFirst().leader().id());
            long leaderPid = leader.pid().orElseThrow();
            leader.kill();
            assertThat(ProcessHandle.of(leaderPid)).isEmpty();
            assertThat(FreePorts.isListening(leader.port())).isFalse();

            // acks=all with min.insync.replicas=2: two of three replicas are enough.
            produce(kafka.bootstrapServers(), TOPIC, List.of("d", "e", "f"));
            assertThat(describe(admin).partitions().getFirst().isr()).extracting(Node::id)
                    .doesNotContain(leader.nodeId()).hasSize(2);

            leader.startAndAwaitReady(READY);
            System.out.printf("restart of %s into the running cluster: %d ms%n", leader.name(), leader.startupTime().toMillis());
            await().atMost(Duration.ofMinutes(1)).until(() -> describe(admin).partitions().getFirst().isr().stream()
                    .map(Node::id).toList().contains(leader.nodeId()));
        }
        assertThat(consumeAll(kafka.bootstrapServers(), TOPIC, 6)).containsExactly("a", "b", "c", "d", "e", "f");
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
    }
}
