package lab.mq.sequence;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.mq.log.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link SequencerStallDetector} every few seconds on its own thread, outside the stream thread it watches. */
public final class SequencerWatch implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(SequencerWatch.class);

    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public SequencerWatch(KafkaSettings kafka, SequencerStreams streams, SequencerStallDetector detector, Clock clock) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "mq-sequencer-watch");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString((int) kafka.requestTimeout().toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString((int) kafka.requestTimeout().toMillis()));
        this.admin = Admin.create(p);
        SequencerOffsets offsets = new AdminSequencerOffsets(admin, streams::ownedPartitions, kafka.requestTimeout());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("mq-sequencer-watch").daemon().factory());
        scheduler.scheduleWithFixedDelay(() -> {
            String before = detector.problem();
            try {
                detector.check(offsets, clock.millis());
            } catch (RuntimeException unreadable) {
                // The broker did not answer; the last verdict stands until it does. (On close the read is interrupted.)
                if (!closed) {
                    log.warn("sequencer watch: {}", unreadable.getMessage());
                }
                return;
            }
            String after = detector.problem();
            if (after != null && before == null) {
                log.error("{}; see the sequencer producer's warnings above and docs/message-queue.md, 'The sequencer stall of the long drill'", after);
            } else if (after == null && before != null) {
                log.info("sequencer progressing again");
            }
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
