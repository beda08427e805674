package lab.payments.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay's order of steps, with the storage and the broker replaced by in-memory stand-ins. */
class OutboxRelayTest {

    private final List<PendingEvent> table = new ArrayList<>(List.of(
            new PendingEvent(1, "evt_1", "pay_1", "payment.processing", "{}", null),
            new PendingEvent(2, "evt_2", "pay_1", "payment.captured", "{}", null)));
    private final List<PendingEvent> marked = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    private final OutboxStore store = new OutboxStore(null) {
        @Override
        public List<PendingEvent> unsent(int limit) {
            return table.stream().filter(e -> !marked.contains(e)).limit(limit).toList();
        }

        @Override
        public void markSent(List<PendingEvent> events) {
            marked.addAll(events);
        }
    };

    private final OutboxRelay.Listener quiet = new OutboxRelay.Listener() {
        @Override
        public void published(int events) {
        }

        @Override
        public void failed(Exception cause) {
        }
    };

    @Test
    void marksOnlyWhatTheBrokerAcknowledged() {
        boolean[] brokerDown = {true};
        EventSink sink = events -> {
            if (brokerDown[0]) {
                throw new java.util.concurrent.TimeoutException("broker down");
            }
            events.forEach(e -> published.add(e.eventId()));
        };
        OutboxRelay relay = new OutboxRelay(store, sink, () -> true, 100, quiet);
        assertThat(relay.relayOnce()).isZero();
        assertThat(marked).isEmpty();

        brokerDown[0] = false;
        assertThat(relay.relayOnce()).isEqualTo(2);
        assertThat(published).containsExactly("evt_1", "evt_2");
        assertThat(relay.relayOnce()).isZero();
    }

    @Test
    void aFollowerDoesNotPublish() {
        OutboxRelay relay = new OutboxRelay(store, events -> events.forEach(e -> published.add(e.eventId())), () -> false, 100, quiet);
        assertThat(relay.relayOnce()).isZero();
        assertThat(published).isEmpty();
    }
}
