package lab.payments.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import lab.platform.identity.NodeIdentity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The relay's Spring shell: the Kafka sink, the leadership lock, the schedule, and the meters
 * {@code payments.outbox.backlog} (unsent events), {@code payments.outbox.lag} (seconds since the
 * oldest unsent event was committed), {@code payments.outbox.published}, {@code payments.outbox.failures}
 * and {@code payments.outbox.leader} (1 on the node that relays).
 */
@Configuration(proxyBeanMethods = false)
class OutboxConfiguration {

    @Bean(destroyMethod = "close")
    KafkaEventSink kafkaEventSink(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                                  @Value("${payments.outbox.topic}") String topic, NodeIdentity identity) {
        return new KafkaEventSink(bootstrap, topic, "payments-relay-" + identity.nodeId());
    }

    @Bean(destroyMethod = "close")
    RelayLeadership relayLeadership(DataSource dataSource) {
        return new RelayLeadership(dataSource);
    }

    @Bean
    OutboxRelay outboxRelay(OutboxStore store, EventSink sink, RelayLeadership leadership, MeterRegistry meters,
                            @Value("${payments.outbox.batch-size}") int batchSize) {
        Counter published = Counter.builder("payments.outbox.published").description("Events acknowledged by Kafka and marked sent").register(meters);
        Counter failures = Counter.builder("payments.outbox.failures").description("Relay rounds that could not publish").register(meters);
        Gauge.builder("payments.outbox.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 on the node holding the relay lock").register(meters);
        return new OutboxRelay(store, sink, leadership, batchSize, new OutboxRelay.Listener() {
            @Override
            public void published(int events) {
                published.increment(events);
            }

            @Override
            public void failed(Exception cause) {
                failures.increment();
            }
        });
    }

    @Bean
    OutboxJobs outboxJobs(OutboxRelay relay, OutboxStore store, MeterRegistry meters) {
        return new OutboxJobs(relay, store, meters);
    }

    static final class OutboxJobs {

        private final OutboxRelay relay;
        private final OutboxStore store;
        private final AtomicReference<OutboxStore.Backlog> backlog = new AtomicReference<>(new OutboxStore.Backlog(0, 0));
        private boolean paused;

        OutboxJobs(OutboxRelay relay, OutboxStore store, MeterRegistry meters) {
            this.relay = relay;
            this.store = store;
            Gauge.builder("payments.outbox.backlog", backlog, b -> b.get().events()).description("Outbox events not yet acknowledged by Kafka").register(meters);
            Gauge.builder("payments.outbox.lag", backlog, b -> b.get().oldestAgeSeconds()).baseUnit("seconds")
                    .description("Age of the oldest unsent outbox event").register(meters);
        }

        @Scheduled(fixedDelayString = "${payments.outbox.interval-millis}", initialDelay = 1000)
        synchronized void relay() {
            // Drain a backlog in back-to-back rounds rather than one batch per interval.
            while (!paused && relay.relayOnce() > 0) {
                Thread.onSpinWait();
            }
        }

        /** Stops relaying after the current round (tests use it to stage a relay crash deterministically). */
        synchronized void pause() {
            paused = true;
        }

        synchronized void resume() {
            paused = false;
        }

        @Scheduled(fixedDelay = 2000, initialDelay = 1000)
        void measureBacklog() {
            backlog.set(store.backlog());
        }
    }
}
