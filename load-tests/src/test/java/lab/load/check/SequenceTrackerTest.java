package lab.load.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    private final RunChecks checks = new RunChecks();
    private final SequenceTracker tracker = new SequenceTracker("ws-1", "c", checks);

    @Test
    void consecutiveMessagesFromTheSubscribedPointAreClean() {
        tracker.subscribed(41);
        for (long seq = 41; seq <= 50; seq++) {
            tracker.received(seq);
        }
        assertThat(checks.anomalyCount()).isZero();
        assertThat(tracker.lastSeq()).isEqualTo(50);
    }

    @Test
    void aSkippedNumberIsAGapOfThatManyMessages() {
        tracker.subscribed(1);
        tracker.received(1);
        tracker.received(2);
        tracker.received(5);
        assertThat(checks.report().anomalies()).containsOnlyKeys("messaging.gap");
        assertThat(checks.counter("messaging.gap-messages")).isEqualTo(2);
        assertThat(tracker.lastSeq()).isEqualTo(5);
    }

    @Test
    void aRepeatedNumberIsADuplicate() {
        tracker.subscribed(1);
        tracker.received(1);
        tracker.received(2);
        tracker.received(2);
        assertThat(checks.report().anomalies()).containsOnlyKeys("messaging.duplicate");
        assertThat(checks.report().anomalies().get("messaging.duplicate").examples().getFirst()).contains("#2");
    }

    @Test
    void aMissingFirstMessageAfterSubscribingIsAGap() {
        tracker.subscribed(7);
        tracker.received(8);
        assertThat(checks.report().anomalies()).containsOnlyKeys("messaging.gap");
    }
}
