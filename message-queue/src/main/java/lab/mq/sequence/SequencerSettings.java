package lab.mq.sequence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param commitInterval how often the exactly-once transaction commits; a sequenced message is
 *                       invisible to read_committed consumers until then, so this bounds latency
 * @param idempotencyWindow how long an idempotency key is remembered (at least 24 h by contract)
 * @param stallAfter how long a partition of this node may have requests waiting without a commit before
 *                   the node reports its sequencer stalled (metric, health)
 */
@ConfigurationProperties("mq.sequencer")
public record SequencerSettings(Duration commitInterval, Duration idempotencyWindow, Duration stallAfter) {

    public SequencerSettings {
        if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
            throw new IllegalArgumentException("mq.sequencer.commit-interval must be positive, got " + commitInterval);
        }
        if (idempotencyWindow == null || idempotencyWindow.compareTo(Duration.ofHours(24)) < 0) {
            throw new IllegalArgumentException("mq.sequencer.idempotency-window must be at least 24h (the API promises it), got "
                    + idempotencyWindow);
        }
        if (stallAfter == null || stallAfter.compareTo(Duration.ofSeconds(10)) < 0) {
            // Below the time a partition takes to move to another node (session timeout plus restore) it would cry wolf.
            throw new IllegalArgumentException("mq.sequencer.stall-after must be at least 10s, got " + stallAfter);
        }
    }
}
