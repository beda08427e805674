package lab.mq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import lab.mq.fanout.ConnectionLimit;
import lab.mq.fanout.FanOut;
import lab.mq.fanout.FanOutMetrics;
import lab.mq.fanout.FanOutSettings;
import lab.mq.history.MessageStore;
import lab.mq.history.Materializer;
import lab.mq.log.KafkaReachability;
import lab.mq.log.KafkaSettings;
import lab.mq.log.MessageLog;
import lab.mq.publish.KafkaPublishLog;
import lab.mq.publish.PendingPublishes;
import lab.mq.publish.PublishMetrics;
import lab.mq.publish.PublishSettings;
import lab.mq.publish.Publisher;
import lab.mq.sequence.SequencerEvents;
import lab.mq.sequence.SequencerSettings;
import lab.mq.sequence.SequencerStallDetector;
import lab.platform.identity.NodeIdentity;
import lab.platform.ids.IdBatchPool;
import lab.platform.ids.IdGeneratorFetcher;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import lab.platform.internode.TracePropagation;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Spring shell: builds the plain-Java parts and starts them in order. */
@Configuration(proxyBeanMethods = false)
class MessageQueueConfiguration {

    /** At most this many publishes of one node wait for the sequencer at once. */
    private static final int MAX_PENDING_PUBLISHES = 10_000;

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    MessageStore messageStore(@Value("${mq.store.dir}") Path dataDir) {
        return new MessageStore(dataDir.resolve("store"));
    }

    @Bean
    PendingPublishes pendingPublishes(MeterRegistry meters) {
        PendingPublishes pending = new PendingPublishes(MAX_PENDING_PUBLISHES);
        Gauge.builder("mq.publishes.pending", pending, PendingPublishes::size)
                .description("Publishes of this node waiting for the sequencer's answer").register(meters);
        return pending;
    }

    /**
     * The node's cap on subscriber connections. Tomcat's own socket cap must stay above it, or a
     * node full of subscribers would have no socket left for publishes, health probes and admin.
     */
    @Bean
    ConnectionLimit connectionLimit(FanOutSettings settings, NodeIdentity identity,
                                    @Value("${server.tomcat.max-connections}") int tomcatMaxConnections) {
        int ceiling = tomcatMaxConnections - ConnectionLimit.SOCKETS_KEPT_FOR_REQUESTS;
        return new ConnectionLimit(ConnectionLimit.resolve(settings.maxConnections(), Runtime.getRuntime().maxMemory(), ceiling),
                identity.nodeId());
    }

    @Bean
    FanOut fanOut(MessageStore store, FanOutSettings settings, MeterRegistry meters, Clock clock, PendingPublishes pending,
                  ConnectionLimit limit) {
        return new FanOut(store, settings, new FanOutMetrics(meters, clock), pending, limit);
    }

    @Bean(destroyMethod = "close")
    Materializer materializer(KafkaSettings kafka, MessageStore store, FanOut fanOut, NodeIdentity identity, MeterRegistry meters) {
        Materializer materializer = new Materializer(kafka, store, fanOut, identity.nodeId());
        Gauge.builder("mq.consumer.lag", materializer, Materializer::totalLag)
                .description("Records of mq.messages this node has not read yet (all partitions)").register(meters);
        Gauge.builder("mq.store.channels", store, MessageStore::channelCount)
                .description("Channels this node's store holds").register(meters);
        return materializer;
    }

    @Bean
    SequencerStallDetector sequencerStallDetector(SequencerSettings sequencer, MeterRegistry meters) {
        return new SequencerStallDetector(sequencer.stallAfter(), meters);
    }

    @Bean
    LogFollowers logFollowers(KafkaSettings kafka, SequencerSettings sequencer, MeterRegistry meters,
                              @Value("${mq.store.dir}") Path dataDir, NodeIdentity identity, Materializer materializer,
                              SequencerStallDetector stalls) {
        return new LogFollowers(kafka, sequencer, new SequencerEvents(meters), dataDir.resolve("streams"), identity.nodeId(), materializer,
                stalls);
    }

    @Bean(destroyMethod = "close")
    MessageLog messageLog(KafkaSettings kafka, LogFollowers followers) {
        return new MessageLog(kafka, followers);
    }

    @Bean(destroyMethod = "close")
    KafkaPublishLog kafkaPublishLog(KafkaSettings kafka, NodeIdentity identity, TracePropagation tracing) {
        return new KafkaPublishLog(kafka, identity.nodeId(), tracing);
    }

    @Bean
    IdBatchPool idBatchPool(InterNodeClient client, @Value("${mq.ids.urls}") String urls,
                            @Value("${mq.ids.batch-size}") int batchSize, @Value("${mq.ids.timeout}") Duration timeout,
                            MeterRegistry meters) {
        IdBatchPool pool = new IdBatchPool(IdGeneratorFetcher.over(client, Peer.parseList(urls), timeout, meters), batchSize,
                Executors.newVirtualThreadPerTaskExecutor());
        Gauge.builder("mq.ids.available", pool, IdBatchPool::available)
                .description("Prefetched message IDs in hand; publishes fail once this is 0 and no id-generator answers").register(meters);
        pool.prefetchInBackground();
        return pool;
    }

    @Bean
    Publisher publisher(IdBatchPool ids, KafkaPublishLog log, PendingPublishes pending, Clock clock, NodeIdentity identity,
                        PublishSettings settings, MeterRegistry meters) {
        return new Publisher(ids, log, pending, clock, identity.nodeId(), settings, new PublishMetrics(meters));
    }

    /** Asked by the readiness probe (every 2 s from the gateway): a deadline well inside the probe's own. */
    @Bean(destroyMethod = "close")
    KafkaReachability kafkaReachability(KafkaSettings kafka) {
        return new KafkaReachability(kafka, Duration.ofMillis(1000), Duration.ofMillis(1500));
    }

    @Bean
    HealthIndicator messageLogHealthIndicator(MessageLog log, SequencerStallDetector stalls, KafkaReachability kafka) {
        return () -> {
            String problem = log.status();
            if (problem == null) {
                String unreachable = kafka.problem();
                // Brokers away: publishes would fail, so not ready; waiting is the cure, so not down.
                return unreachable == null ? Health.up().build() : Health.outOfService().withDetail("reason", unreachable).build();
            }
            // A stalled sequencer is a failure to act on (it does not heal by waiting), not a node still starting.
            return stalls.problem() != null ? Health.down().withDetail("reason", problem).build()
                    : Health.outOfService().withDetail("reason", problem).build();
        };
    }

    /**
     * Starts following the log once the context is up, and on shutdown closes subscriber
     * connections first (each told where to resume) so graceful shutdown does not wait on
     * streams that never end.
     */
    @Bean
    SmartLifecycle messageQueueLifecycle(MessageLog log, FanOut fanOut) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                log.start();
                running = true;
            }

            @Override
            public void stop() {
                fanOut.closeAll("node shutting down");
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE - 100; // stops before the web server's graceful shutdown
            }
        };
    }
}
