package lab.payments.intent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Payment meters; tags are bounded (states, reasons of a conflict, who finished), never keys or IDs:
 * {@code payments.idempotency.replays}, {@code payments.idempotency.conflicts{reason}},
 * {@code payments.transitions{from,to,by}}, {@code payments.ledger.transactions},
 * {@code payments.recovery.actions{action}}.
 */
public final class PaymentMetrics {

    private final MeterRegistry meters;

    public PaymentMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void replayed() {
        Counter.builder("payments.idempotency.replays").description("Requests answered from a stored response").register(meters).increment();
    }

    void keyConflict(String reason) {
        Counter.builder("payments.idempotency.conflicts").description("Requests refused: key in flight (409) or reused with other parameters (422)")
                .tag("reason", reason).register(meters).increment();
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
        Counter.builder("payments.recovery.actions").description("What the recovery worker did with operations left between phases")
                .tag("action", action).register(meters).increment();
    }
}
