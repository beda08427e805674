package lab.mq.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lab.mq.publish.PendingPublishes;
import lab.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** Admission of subscriber connections: never more than the limit, refusals that say so, slots given back. */
class ConnectionLimitTest {

    @Test
    void aConfiguredLimitWinsAndZeroDerivesItFromTheHeapBelowTheSocketCeiling() {
        assertThat(ConnectionLimit.resolve(500, 256L << 20, 19_000)).isEqualTo(500);
        // 256 MiB heap: 96 MiB reserved, the other 160 MiB at 80 KiB per connection.
        assertThat(ConnectionLimit.resolve(0, 256L << 20, 19_000)).isEqualTo(2048);
        assertThat(ConnectionLimit.resolve(0, 1L << 30, 19_000)).isEqualTo((1024 - 96) * 1024 / 80);
        assertThat(ConnectionLimit.resolve(0, 4L << 30, 19_000)).as("never more than the server's sockets").isEqualTo(19_000);
        assertThat(ConnectionLimit.resolve(0, 64L << 20, 19_000)).as("a heap below the reserve still admits a few").isEqualTo(100);
        assertThatThrownBy(() -> ConnectionLimit.resolve(20_000, 256L << 20, 19_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void admitsUpToTheLimitThenRefusesWithRetryAfterAndGivesSlotsBack() {
        ConnectionLimit limit = new ConnectionLimit(3, "mq-7");
        for (int i = 0; i < 3; i++) {
            limit.acquire();
        }
        assertThatThrownBy(limit::acquire).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.type()).isEqualTo(ConnectionLimit.CONNECTION_LIMIT_REACHED);
            assertThat(e.type().status().value()).isEqualTo(503);
            assertThat(e.retryAfterOrNull()).isEqualTo(Duration.ofSeconds(2));
            assertThat(e.properties()).containsEntry("limit", 3);
            assertThat(e.detail()).contains("mq-7").contains("3 subscriber connections");
        });
        assertThat(limit.open()).isEqualTo(3);
        assertThat(limit.refusedTotal()).isEqualTo(1);

        limit.release();
        limit.acquire();
        assertThat(limit.open()).isEqualTo(3);
    }

    @Test
    void aSlotReleasedTwiceIsABug() {
        ConnectionLimit limit = new ConnectionLimit(2, "mq-7");
        limit.acquire();
        limit.release();
        assertThatThrownBy(limit::release).isInstanceOf(IllegalStateException.class);
        assertThat(limit.open()).isZero();
    }

    @Test
    void racingConnectionsNeverExceedTheLimit() throws InterruptedException {
        ConnectionLimit limit = new ConnectionLimit(10, "mq-7");
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    limit.acquire();
                    admitted.incrementAndGet();
                } catch (ProblemException refused) {
                    // expected for all but 10
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.get()).isEqualTo(10);
        assertThat(limit.open()).isEqualTo(10);
        assertThat(limit.refusedTotal()).isEqualTo(54);
    }

    @Test
    void theFanOutRefusesPastTheLimitCountsRefusalsAndFreesTheSlotWhenAConnectionEnds() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        FanOut fanOut = new FanOut(new InMemoryChannels(),
                new FanOutSettings(4, Duration.ofSeconds(30), 3, 10, Duration.ofMinutes(10), 2),
                new FanOutMetrics(meters, Clock.systemUTC()), new PendingPublishes(10), new ConnectionLimit(2, "mq-7"));
        assertThat(meters.get("mq.connections.limit").gauge().value()).isEqualTo(2);

        Connection first = fanOut.connect("sse", new ConnectionTest.RecordingSink(false));
        Connection second = fanOut.connect("websocket", new ConnectionTest.RecordingSink(false));
        Thread.ofVirtual().start(first::run);
        Thread.ofVirtual().start(second::run);
        assertThatThrownBy(() -> fanOut.connect("websocket", new ConnectionTest.RecordingSink(false)))
                .isInstanceOf(ProblemException.class);
        assertThat(meters.counter("mq.connections.refused", "transport", "websocket").count()).isEqualTo(1);
        assertThat(meters.counter("mq.connections.refused", "transport", "sse").count()).isZero();

        first.close(null);
        await().atMost(5, TimeUnit.SECONDS).until(() -> fanOut.limit().open() == 1);
        Connection third = fanOut.connect("sse", new ConnectionTest.RecordingSink(false));
        Thread.ofVirtual().start(third::run);
        await().atMost(5, TimeUnit.SECONDS).until(() -> fanOut.connectionCount() == 2);
        second.close(null);
        third.close(null);
        await().atMost(5, TimeUnit.SECONDS).until(() -> fanOut.limit().open() == 0);
    }
}
