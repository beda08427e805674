package lab.mq.history;

import java.time.Clock;
import lab.mq.log.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the store's history as long as the topic's: messages sequenced longer than the retention
 * ago are dropped, and resume points below what remains get a discontinuity event.
 */
@Component
class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    private final MessageStore store;
    private final KafkaSettings settings;
    private final Clock clock;

    RetentionPurge(MessageStore store, KafkaSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${mq.store.purge-interval:60s}")
    void purge() {
        int purged = store.purgeSequencedBefore(clock.millis() - settings.retention().toMillis());
        if (purged > 0) {
            log.info("dropped {} messages older than the retention of {}", purged, settings.retention());
        }
    }
}
