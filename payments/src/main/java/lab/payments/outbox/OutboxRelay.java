package lab.payments.outbox;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows to Kafka: read unsent rows in commit order, publish them, wait for every
 * acknowledgement, and only then mark them sent. A relay killed between publish and mark publishes
 * those rows again on its next run (a duplicate with the same event ID), never loses one. Only the
 * node holding relay leadership publishes, which keeps the per-payment order of events.
 */
public final class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** Observes each round, for metrics. */
    public interface Listener {
        void published(int events);

        void failed(Exception cause);
    }

    private final OutboxStore store;
    private final EventSink sink;
    private final BooleanSupplier isLeader;
    private final int batchSize;
    private final Listener listener;

    public OutboxRelay(OutboxStore store, EventSink sink, BooleanSupplier isLeader, int batchSize, Listener listener) {
        this.store = store;
        this.sink = sink;
        this.isLeader = isLeader;
        this.batchSize = batchSize;
        this.listener = listener;
    }

    /** One round; returns how many events were published and marked (0 if not leader or nothing to do). */
    public int relayOnce() {
        if (!isLeader.getAsBoolean()) {
            return 0;
        }
        List<PendingEvent> batch = store.unsent(batchSize);
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            sink.publishAll(batch);
        } catch (Exception e) {
            listener.failed(e);
            log.warn("outbox relay could not publish {} events (they stay in the outbox and are retried): {}", batch.size(), e.toString());
            return 0;
        }
        store.markSent(batch);
        listener.published(batch.size());
        return batch.size();
    }
}
