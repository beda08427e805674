package lab.payments.intent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Payment meters; tags are bounded (states, reasons of a conflict, who finished), never keys or IDs:
 * {@code payments.idempotency.replays}, {@code payments.idempotency.conflicts{reason}},
 * {@code payments.transitions{from,to,by}}, {@code payments.ledger.transactions},
 * {@code payments.recovery.actions{action}}.
 */
public final class PaymentMetrics {

    /** Every value of the bounded tags, registered at start so a dashboard shows 0 before the first one happens. */
    static final List<String> CONFLICT_REASONS = List.of("in-flight", "reused");
    static final List<String> RECOVERY_ACTIONS = List.of("found-at-processor", "resent", "deferred", "lease-lost");

    private final MeterRegistry meters;

    public PaymentMetrics(MeterRegistry meters) {
        this.meters = meters;
        replays();
        CONFLICT_REASONS.forEach(this::conflicts);
        RECOVERY_ACTIONS.forEach(this::recoveryActions);
    }

    void replayed() {
        replays().increment();
    }

    void keyConflict(String reason) {
        conflicts(reason).increment();
    }

    void finished(OperationFinisher.Finished finished, String by) {
        if (finished.from() != finished.to() || finished.ledgerPosted()) {
            Counter.builder("payments.transitions").description("Committed payment state transitions")
                    .tag("from", finished.from().wire()).tag("to", finished.to().wire()).tag("by", by)
                    .register(meters).increment();
        }
        if (finished.ledgerPosted()) {
            Counter.builder("payments.ledger.transactions").description("Committed ledger transactions").register(meters).increment();
        }
    }

    void recovery(String action) {
        recoveryActions(action).increment();
    }

    private Counter replays() {
        return Counter.builder("payments.idempotency.replays").description("Requests answered from a stored response").register(meters);
    }

    private Counter conflicts(String reason) {
        return Counter.builder("payments.idempotency.conflicts").description("Requests refused: key in flight (409) or reused with other parameters (422)")
                .tag("reason", reason).register(meters);
    }

    private Counter recoveryActions(String action) {
        return Counter.builder("payments.recovery.actions").description("What the recovery worker did with operations left between phases")
                .tag("action", action).register(meters);
    }
}
