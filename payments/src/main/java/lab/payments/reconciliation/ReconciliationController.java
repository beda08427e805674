package lab.payments.reconciliation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ledger/verify} and the periodic run behind the gauge
 * {@code payments.reconciliation.anomalies} (must stay 0) and the timer {@code payments.reconciliation.runs}.
 */
@RestController
class ReconciliationController {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationController.class);

    private final LedgerVerifier verifier;
    private final AtomicLong lastAnomalies = new AtomicLong();
    private final Timer runs;

    ReconciliationController(LedgerVerifier verifier, MeterRegistry meters) {
        this.verifier = verifier;
        Gauge.builder("payments.reconciliation.anomalies", lastAnomalies, AtomicLong::get)
                .description("Anomalies found by the last reconciliation run; anything but 0 is a bug").register(meters);
        this.runs = Timer.builder("payments.reconciliation.runs").description("Reconciliation runs and how long they took").register(meters);
    }

    @GetMapping("/ledger/verify")
    VerificationReport verify() {
        return record(verifier.verify());
    }

    @Scheduled(fixedDelayString = "${payments.reconciliation.interval-millis}", initialDelayString = "${payments.reconciliation.interval-millis}")
    void periodic() {
        VerificationReport report = record(verifier.verify());
        if (!report.ok()) {
            log.error("reconciliation found {} anomalies: {}", report.anomalyCount(), report.anomalies());
        }
    }

    private VerificationReport record(VerificationReport report) {
        lastAnomalies.set(report.anomalyCount());
        runs.record(java.time.Duration.ofMillis(report.tookMillis()));
        return report;
    }
}
