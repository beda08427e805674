package lab.idgen.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything under {@code idgen.*}; the defaults are in application.yml so they are visible in
 * one place.
 */
@ConfigurationProperties("idgen")
public record IdGeneratorProperties(Path dataDir, Layout layout, ZooKeeper zookeeper, LeaseProperties lease, Clock clock,
                                    HighWaterMark highWaterMark) {

    /** The ID layout; checked at start-up. {@code minRemaining}: refuse a layout that runs out sooner. */
    public record Layout(Instant epoch, int timestampBits, int workerBits, int sequenceBits, Duration minRemaining) {
    }

    /** The coordination store. {@code root}: the znode under which leases and worker records live. */
    public record ZooKeeper(String connect, String root, Duration sessionTimeout, Duration connectionTimeout) {
    }

    /** {@code safetyMargin}: stop issuing this long before the session could expire. */
    public record LeaseProperties(Duration safetyMargin, Duration probeInterval) {
    }

    /**
     * {@code maxBackward}: the largest clock rollback absorbed (by borrowing time); larger ones are
     * refused. {@code offsetMillis}: a clock offset applied from start-up, for the restart drill.
     */
    public record Clock(Duration maxBackward, long offsetMillis) {
    }

    /** {@code window}: how far ahead of the issued IDs the local high-water mark is persisted. */
    public record HighWaterMark(Duration window) {
    }
}
