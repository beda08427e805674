package lab.mq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.cluster.LocalCluster;
import lab.mq.support.SseClient;
import org.junit.jupiter.api.Test;

/**
 * Three message-queue nodes (real processes) on one broker, IDs from a real id-generator node. Publishers spread over the nodes,
 * SSE subscribers spread over the nodes; mq-2 is SIGKILLed mid-stream and its subscribers
 * reconnect to mq-1 with their Last-Event-ID. Over the whole run every subscriber must have seen
 * exactly its channel's log, and the log must be exactly the acknowledged publishes.
 */
class NodeKillClusterIT {

    private static final List<String> NODES = List.of("mq-1", "mq-2", "mq-3");

    @Test
    void subscribersOfAKilledNodeResumeElsewhereWithoutGapDuplicateOrReorder() throws Exception {
        try (LocalCluster cluster = ClusterRun.start(NODES, 1)) {
            ClusterRun run = new ClusterRun(cluster, NODES);
            run.subscribe(6);
            run.startPublishers(3, 60);

            await().atMost(60, TimeUnit.SECONDS).until(() -> run.published.get() >= 40);
            cluster.kill("mq-2");
            for (ClusterRun.Subscriber sub : run.subscribers) {
                if (sub.node().equals("mq-2")) {
                    SseClient dead = sub.streams().getLast();
                    await().atMost(10, TimeUnit.SECONDS).until(dead::ended);
                    // What a browser's EventSource does: reconnect (here to a surviving node) with Last-Event-ID.
                    sub.streams().add(new SseClient(run.urls.get("mq-1").resolve("/channels/" + sub.channel() + "/stream"),
                            dead.lastEventId()));
                }
            }
            run.awaitPublishers();
            assertThat(run.published.get()).isEqualTo(180);
            assertThat(run.subscribers.stream().filter(s -> s.streams().size() == 2)).as("mq-2's subscribers reconnected").hasSize(2);
            run.assertEverySubscriberSawExactlyTheLog(List.of("mq-1", "mq-3"));
            run.closeStreams();
        }
    }
}
