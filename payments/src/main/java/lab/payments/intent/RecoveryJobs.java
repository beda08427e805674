package lab.payments.intent;

import lab.payments.idempotency.IdempotencyKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Runs the recovery worker and the idempotency-key retention on every node. */
@Component
class RecoveryJobs {

    private static final Logger log = LoggerFactory.getLogger(RecoveryJobs.class);

    private final RecoveryWorker worker;
    private final IdempotencyKeys keys;
    private final int retentionHours;

    RecoveryJobs(RecoveryWorker worker, IdempotencyKeys keys, @Value("${payments.idempotency.retention-hours}") int retentionHours) {
        if (retentionHours < 24) {
            throw new IllegalArgumentException("payments.idempotency.retention-hours must be at least 24, got " + retentionHours);
        }
        this.worker = worker;
        this.keys = keys;
        this.retentionHours = retentionHours;
    }

    @Scheduled(fixedDelayString = "${payments.recovery.interval-millis}", initialDelay = 1000)
    void recover() throws InterruptedException {
        worker.recoverOnce();
    }

    @Scheduled(fixedDelay = 600_000, initialDelay = 60_000)
    void purgeKeys() {
        int purged = keys.purgeCompletedOlderThanHours(retentionHours);
        if (purged > 0) {
            log.info("forgot {} idempotency keys older than {} h", purged, retentionHours);
        }
    }
}
