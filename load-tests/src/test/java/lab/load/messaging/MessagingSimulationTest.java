package lab.load.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import lab.load.run.LoadRunnerAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messaging simulation with real Gatling against {@link FakeMessageQueue}: publishers, SSE
 * subscribers, the drain and the end check. A queue that delivers everything passes; one that
 * loses a single message on its way to subscribers fails the run.
 */
class MessagingSimulationTest {

    @Test
    void everyAcknowledgedMessageReachesEverySubscriber(@TempDir Path results) throws Exception {
        try (FakeMessageQueue queue = new FakeMessageQueue()) {
            Run run = run(queue, results);
            assertThat(run.status()).as(run.out()).isZero();
            assertThat(run.out()).contains("anomalies  none").contains("messaging.deliveries").contains("messaging.publish-to-deliver: p50");
        }
    }

    @Test
    void aMessageLostOnItsWayToSubscribersIsAGapAndFailsTheRun(@TempDir Path results) throws Exception {
        try (FakeMessageQueue queue = new FakeMessageQueue()) {
            queue.dropFromStreams(3);
            Run run = run(queue, results);
            assertThat(run.status()).as(run.out()).isEqualTo(1);
            assertThat(run.out()).contains("messaging.gap").contains("THE RUN FOUND BROKEN INVARIANTS");
        }
    }

    private static Run run(FakeMessageQueue queue, Path results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // One channel, so every subscriber is owed every message, and the dropped #3 certainly exists.
        int status = LoadRunnerAccess.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                "messaging", "--rate", "10", "--duration", "2s", "--url", "messaging=" + queue.url(), "--results", results.toString(),
                "--set", "messaging.channels=1", "--set", "messaging.ws-subscribers=0", "--set", "messaging.sse-subscribers=2",
                "--set", "messaging.subscribe-lead=1s", "--set", "messaging.drain=5s");
        return new Run(status, out.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String out) {
    }
}
