package lab.mq.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import lab.mq.message.Message;
import lab.mq.publish.PendingPublishes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out's promises, driven deterministically: in order, no gap, no duplicate, slow ones isolated. */
class ConnectionTest {

    private static final int QUEUE = 4;

    private final InMemoryChannels store = new InMemoryChannels();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FanOut fanOut = new FanOut(store,
            new FanOutSettings(QUEUE, Duration.ofSeconds(30), 3, 10, Duration.ofMinutes(10), 0),
            new FanOutMetrics(meters, Clock.systemUTC()), new PendingPublishes(10), new ConnectionLimit(100, "mq-test"));
    private final List<Connection> open = new CopyOnWriteArrayList<>();

    /** Records what the client would see; {@code gate} holds every send until opened (a client that reads nothing). */
    static final class RecordingSink implements EventSink {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;

        RecordingSink(boolean blocked) {
            gate = new CountDownLatch(blocked ? 1 : 0);
        }

        @Override
        public void send(Event event) throws IOException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            events.add(event);
        }

        @Override
        public void close() {
        }

        List<Long> seqs(String channel) {
            return events.stream().filter(e -> e instanceof Event.MessageEvent m && m.message().channel().equals(channel))
                    .map(e -> ((Event.MessageEvent) e).message().seq()).toList();
        }
    }

    private Connection connect(RecordingSink sink) {
        Connection c = fanOut.connect("sse", sink);
        open.add(c);
        Thread.ofVirtual().start(c::run);
        return c;
    }

    private void publish(String channel, int count) {
        for (int i = 0; i < count; i++) {
            Message m = store.append(channel, "m" + i);
            fanOut.onAppended(List.of(m)); // as the materializer does: store first, then fan-out
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @AfterEach
    void closeAll() {
        open.forEach(c -> c.close(null));
    }

    @Test
    void aNewSubscriptionStartsWithTheNextMessage() {
        publish("a", 3);
        RecordingSink sink = new RecordingSink(false);
        Connection c = connect(sink);
        c.subscribe("a", null);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.events.stream().anyMatch(e -> e instanceof Event.Subscribed));
        assertThat(sink.events.getFirst()).isEqualTo(new Event.Subscribed("a", 4));
        publish("a", 5);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.seqs("a").size() == 5);
        assertThat(sink.seqs("a")).isEqualTo(range(4, 8));
    }

    @Test
    void aResumeGetsEverythingAfterItThenLiveWithoutGapOrDuplicate() {
        publish("a", 10);
        RecordingSink sink = new RecordingSink(false);
        Connection c = connect(sink);
        c.subscribe("a", 2L);
        publish("a", 10); // races with the catch-up on purpose
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.seqs("a").size() >= 18);
        assertThat(sink.seqs("a")).isEqualTo(range(3, 20));
        assertThat(meters.counter("mq.resumes", "transport", "sse").count()).isEqualTo(1);
    }

    @Test
    void oneConnectionFollowsSeveralChannelsEachInOrder() {
        RecordingSink sink = new RecordingSink(false);
        Connection c = connect(sink);
        c.subscribe("a", 0L);
        c.subscribe("b", 0L);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.events.stream().filter(e -> e instanceof Event.Subscribed).count() == 2);
        for (int i = 0; i < 20; i++) {
            publish(i % 3 == 0 ? "b" : "a", 1);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.seqs("a").size() + sink.seqs("b").size() == 20);
        assertThat(sink.seqs("a")).isEqualTo(range(1, 13));
        assertThat(sink.seqs("b")).isEqualTo(range(1, 7));
    }

    @Test
    void aSlowSubscriberNeitherHoldsUpOthersNorLosesAnything() {
        RecordingSink slow = new RecordingSink(true);
        RecordingSink fast = new RecordingSink(false);
        Connection slowConnection = connect(slow);
        connect(fast).subscribe("a", 0L);
        slowConnection.subscribe("a", 0L);
        await().atMost(5, TimeUnit.SECONDS).until(() -> fast.events.stream().anyMatch(e -> e instanceof Event.Subscribed));

        publish("a", 200);
        // The fast one gets all 200 while the slow one has not accepted a single byte.
        await().atMost(5, TimeUnit.SECONDS).until(() -> fast.seqs("a").size() == 200);
        assertThat(slow.events).isEmpty();
        assertThat(slowConnection.queueDepth()).isLessThanOrEqualTo(QUEUE);
        assertThat(meters.counter("mq.slow.subscriber.actions", "action", "catch-up").count()).isGreaterThanOrEqualTo(1);

        slow.gate.countDown(); // the client starts reading: it catches up from the store
        await().atMost(5, TimeUnit.SECONDS).until(() -> slow.seqs("a").size() == 200);
        assertThat(slow.seqs("a")).isEqualTo(range(1, 200));
        assertThat(fast.seqs("a")).isEqualTo(range(1, 200));
    }

    @Test
    void aResumePointOlderThanRetentionGetsAnExplicitDiscontinuity() {
        publish("a", 10);
        store.dropBefore("a", 6);
        RecordingSink sink = new RecordingSink(false);
        connect(sink).subscribe("a", 1L);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.seqs("a").size() == 5);
        assertThat(sink.events.get(1)).isEqualTo(new Event.Discontinuity("a", 2, 5, "older than this node's retention"));
        assertThat(sink.seqs("a")).isEqualTo(range(6, 10));
        assertThat(meters.counter("mq.discontinuities", "transport", "sse").count()).isEqualTo(1);
    }

    @Test
    void closingTellsTheClientWhereToResume() {
        publish("a", 3);
        RecordingSink sink = new RecordingSink(false);
        Connection c = connect(sink);
        c.subscribe("a", 0L);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.seqs("a").size() == 3);
        c.close("node shutting down");
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.events.getLast() instanceof Event.Closing);
        assertThat(sink.events.getLast()).isEqualTo(new Event.Closing("node shutting down", java.util.Map.of("a", 3L)));
        assertThat(fanOut.connectionCount()).isZero();
    }
}
