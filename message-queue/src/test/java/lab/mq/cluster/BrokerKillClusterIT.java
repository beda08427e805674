package lab.mq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three Kafka brokers (replication 3, min.insync.replicas 2), two message-queue nodes, a real id-generator node. kafka-2 is
 * SIGKILLed mid-stream: leaders move, the sequencer's transactions and the materializers follow
 * them, and every acknowledged publish must still reach every subscriber exactly once, in order.
 */
class BrokerKillClusterIT {

    private static final List<String> NODES = List.of("mq-1", "mq-3");

    @Tag("drill") // five minutes on 2 cores (three brokers): ./mvnw verify -Pdrills
    @Test
    void everyAcknowledgedPublishReachesEverySubscriberWhenABrokerDies() throws Exception {
        try (LocalCluster cluster = ClusterRun.start(NODES, 3)) {
            ClusterRun run = new ClusterRun(cluster, NODES);
            run.subscribe(4);
            run.startPublishers(2, 60);

            await().atMost(60, TimeUnit.SECONDS).until(() -> run.published.get() >= 30);
            cluster.kill("kafka-2");
            run.awaitPublishers();
            assertThat(run.published.get()).isEqualTo(120);
            assertThat(cluster.node("kafka-2").isRunning()).isFalse();
            run.assertEverySubscriberSawExactlyTheLog(NODES);
            run.closeStreams();
        }
    }
}
