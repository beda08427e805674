package lab.idgen.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import lab.idgen.clock.ClockOffsetFault;
import lab.idgen.clock.OffsetClock;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.core.TimeSource;
import lab.idgen.lease.LeaseSettings;
import lab.idgen.lease.ZooKeeperWorkerLease;
import lab.idgen.reservation.HighWaterMarkFile;
import lab.idgen.reservation.LocalHighWaterMark;
import lab.platform.identity.NodeIdentity;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java core (generator, marks, worker lease) into the Spring node. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdGeneratorProperties.class)
public class IdGeneratorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdGeneratorConfiguration.class);

    @Bean
    IdLayout idLayout(IdGeneratorProperties properties) {
        IdGeneratorProperties.Layout l = properties.layout();
        IdLayout layout;
        try {
            layout = new IdLayout(l.epoch(), l.timestampBits(), l.workerBits(), l.sequenceBits());
            layout.requireUsableAt(Instant.now(), l.minRemaining());
        } catch (IllegalArgumentException invalid) {
            throw new IllegalStateException("Refusing to start: invalid idgen.layout: " + invalid.getMessage(), invalid);
        }
        log.info("ID layout {}: {} worker IDs, {} IDs/s per worker at most, runs out at {}", layout, layout.workerIdCount(),
                layout.ceilingPerSecond(), layout.runsOutAt());
        return layout;
    }

    @Bean
    OffsetClock idClock(IdGeneratorProperties properties) {
        long offset = properties.clock().offsetMillis();
        if (offset != 0) {
            log.warn("ID clock starts with an offset of {} ms (idgen.clock.offset-millis)", offset);
        }
        return new OffsetClock(TimeSource.SYSTEM, offset);
    }

    @Bean
    ClockOffsetFault clockOffsetFault(OffsetClock clock) {
        return new ClockOffsetFault(clock);
    }

    @Bean
    HighWaterMarkFile highWaterMarkFile(IdGeneratorProperties properties) {
        return new HighWaterMarkFile(properties.dataDir().toAbsolutePath());
    }

    @Bean
    IdGenerator idGenerator(IdLayout layout, OffsetClock clock, IdGeneratorProperties properties, HighWaterMarkFile file,
                            MeterRegistry meters) {
        HighWaterMarkFile.Content stored = file.load().orElse(new HighWaterMarkFile.Content(0, -1));
        long now = clock.currentMillis();
        if (stored.highWaterMarkMillis() > now) {
            log.warn("The persisted high-water mark {} is {} ms ahead of the clock: IDs start above it{}",
                    Instant.ofEpochMilli(stored.highWaterMarkMillis()), stored.highWaterMarkMillis() - now,
                    stored.highWaterMarkMillis() - now > properties.clock().maxBackward().toMillis()
                            ? ", and until the clock is within " + properties.clock().maxBackward() + " of it this node refuses IDs"
                            : " (borrowing time ahead of the clock)");
        } else if (stored.highWaterMarkMillis() > 0) {
            log.info("Starting above the persisted high-water mark {}", Instant.ofEpochMilli(stored.highWaterMarkMillis()));
        }
        DistributionSummary rollbackSizes = DistributionSummary.builder("idgen.clock.rollback.size")
                .description("Size of each backward clock step seen by the generator").baseUnit("seconds")
                .serviceLevelObjectives(0.001, 0.01, 0.1, 1, 5, 60, 3600)
                .register(meters);
        return new IdGenerator(layout, clock, properties.clock().maxBackward().toMillis(), stored.highWaterMarkMillis(),
                millis -> {
                    rollbackSizes.record(millis / 1000.0);
                    log.warn("The ID clock went back {} ms", millis);
                });
    }

    @Bean
    LocalHighWaterMark localHighWaterMark(IdGenerator generator, HighWaterMarkFile file, OffsetClock clock,
                                          IdGeneratorProperties properties, MeterRegistry meters) {
        Counter writes = Counter.builder("idgen.hwm.writes").tag("store", "local")
                .description("Writes of a time high-water mark (local file or the worker's ZooKeeper record)").register(meters);
        Counter failures = Counter.builder("idgen.hwm.write.failures").tag("store", "local")
                .description("Failed writes of a time high-water mark").register(meters);
        HighWaterMarkFile.Content stored = file.load().orElse(new HighWaterMarkFile.Content(0, -1));
        return new LocalHighWaterMark(generator, file, stored, clock, properties.highWaterMark().window().toMillis(),
                writes::increment, e -> {
                    failures.increment();
                    log.error("Cannot persist the high-water mark: {}", e.getMessage());
                });
    }

    @Bean(destroyMethod = "close")
    CuratorFramework curator(IdGeneratorProperties properties) {
        IdGeneratorProperties.ZooKeeper zk = properties.zookeeper();
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(zk.connect())
                .sessionTimeoutMs((int) zk.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) zk.connectionTimeout().toMillis())
                .retryPolicy(new RetryOneTime(200))
                .build();
        client.start();
        log.info("Connecting to ZooKeeper at {} (session timeout {})", zk.connect(), zk.sessionTimeout());
        return client;
    }

    @Bean
    ZooKeeperWorkerLease workerLease(CuratorFramework curator, IdGeneratorProperties properties, IdLayout layout,
                                       IdGenerator generator, OffsetClock clock, NodeIdentity identity, MeterRegistry meters,
                                       HighWaterMarkFile file, LocalHighWaterMark localMark) {
        int preferred = file.load().map(HighWaterMarkFile.Content::lastWorkerId).orElse(-1);
        LeaseSettings settings = new LeaseSettings(properties.zookeeper().root(), identity.nodeId(), layout.workerIdCount(),
                properties.lease().safetyMargin(), properties.lease().probeInterval(), properties.clock().maxBackward(), preferred);
        if (settings.safetyMargin().compareTo(properties.zookeeper().sessionTimeout()) >= 0) {
            throw new IllegalStateException("Refusing to start: idgen.lease.safety-margin must be shorter than idgen.zookeeper.session-timeout");
        }
        return new ZooKeeperWorkerLease(curator, settings, generator, clock, meters, localMark::rememberWorker);
    }

    @Bean
    IdService idService(IdGenerator generator, LocalHighWaterMark localMark, ZooKeeperWorkerLease leases) {
        return new IdService(generator, localMark, leases);
    }

    @Bean
    IdGeneratorLifecycle idGeneratorLifecycle(IdGenerator generator, LocalHighWaterMark localMark, ZooKeeperWorkerLease leases) {
        return new IdGeneratorLifecycle(generator, localMark, leases);
    }

    @Bean
    IdGeneratorMetrics idGeneratorMetrics(IdGenerator generator, LocalHighWaterMark localMark, OffsetClock clock, MeterRegistry meters) {
        return new IdGeneratorMetrics(generator, localMark, clock, meters);
    }

    @Bean
    WorkerLeaseHealthIndicator workerLeaseHealthIndicator(ZooKeeperWorkerLease leases) {
        return new WorkerLeaseHealthIndicator(leases);
    }

    @Bean
    IdClockHealthIndicator idClockHealthIndicator(IdGenerator generator, OffsetClock clock) {
        return new IdClockHealthIndicator(generator, clock);
    }
}
