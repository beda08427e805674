package lab.payments.intent;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.payments.processor.ProcessorClient;
import lab.payments.processor.ProcessorOutcome;
import lab.platform.ids.IdSource;
import lab.platform.ids.IdsUnavailableException;
import lab.platform.internode.TracePropagation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drives every operation left between phases (its node crashed, its call timed out) to a final
 * state. It takes over operations whose lease expired, asks the processor what became of the
 * request ID, sends it only if the processor never received it, and runs the same post-call
 * phase as a request would. Any node may run it; leases and {@code SKIP LOCKED} split the work.
 */
public final class RecoveryWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecoveryWorker.class);

    private final TransactionTemplate tx;
    private final OperationStore operations;
    private final PaymentStore payments;
    private final ProcessorClient processor;
    private final OperationFinisher finisher;
    private final IdSource ids;
    private final PaymentMetrics metrics;
    private final long leaseMillis;
    private final TracePropagation tracing;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    public RecoveryWorker(TransactionTemplate tx, OperationStore operations, PaymentStore payments, ProcessorClient processor,
                          OperationFinisher finisher, IdSource ids, PaymentMetrics metrics, long leaseMillis,
                          TracePropagation tracing) {
        this.tx = tx;
        this.operations = operations;
        this.payments = payments;
        this.processor = processor;
        this.finisher = finisher;
        this.ids = ids;
        this.metrics = metrics;
        this.leaseMillis = leaseMillis;
        this.tracing = tracing;
    }

    /** One sweep; returns how many operations it finished. */
    public int recoverOnce() throws InterruptedException {
        // Backoff for an operation that keeps failing: its next lease doubles, up to 30 s.
        List<Operation> claimed = tx.execute(s -> operations.claimExpired(16, leaseMillis, 30_000));
        if (claimed.isEmpty()) {
            return 0;
        }
        List<Future<Boolean>> results = claimed.stream().map(op -> workers.submit(() -> recover(op))).toList();
        int finished = 0;
        for (Future<Boolean> result : results) {
            try {
                finished += result.get() ? 1 : 0;
            } catch (java.util.concurrent.ExecutionException e) {
                log.error("recovery of an operation failed", e.getCause());
            }
        }
        return finished;
    }

    /**
     * Finishes the operation inside the trace of the request that started it: the recovery's log
     * lines and the event it writes carry that request's trace id, as a finish by the request would.
     */
    private boolean recover(Operation op) {
        String traceparent = operations.traceparentOf(op.id()).orElse(null);
        try (TracePropagation.Scope ignored = tracing.continueFrom("payments.recovery",
                header -> "traceparent".equals(header) ? traceparent : null)) {
            return recoverInTrace(op);
        }
    }

    private boolean recoverInTrace(Operation op) {
        Payment payment = payments.find(op.paymentId()).orElseThrow();
        ProcessorOutcome outcome = processor.lookup(op.id());
        String action;
        if (outcome instanceof ProcessorOutcome.NeverReceived) {
            // Safe to send: the request ID makes it idempotent even if the original arrives late.
            outcome = processor.execute(PaymentCommands.callFor(op, payment));
            action = "resent";
        } else {
            action = "found-at-processor";
        }
        if (outcome instanceof ProcessorOutcome.Unknown unknown) {
            metrics.recovery("deferred");
            log.info("recovery: {} {} of {} still unknown after attempt {} ({}); retrying later", op.kind(), op.id(), op.paymentId(),
                    op.attempts(), unknown.why());
            return false;
        }
        FinishIds finishIds;
        try {
            finishIds = FinishIds.take(ids);
        } catch (IdsUnavailableException e) {
            // The operation keeps its (doubled) lease and is tried again; its outcome stays known at the processor.
            metrics.recovery("deferred");
            log.warn("recovery: {} {} of {} is decided but waits for IDs: {}", op.kind(), op.id(), op.paymentId(), e.getMessage());
            return false;
        }
        var finished = finisher.finish(op.id(), op.leaseToken(), outcome, finishIds);
        if (finished.isEmpty()) {
            metrics.recovery("lease-lost");
            return false;
        }
        metrics.recovery(action);
        metrics.finished(finished.get(), "recovery");
        log.info("recovery: {} {} of {} finished ({}): {} -> {}", op.kind(), op.id(), op.paymentId(), action,
                finished.get().from().wire(), finished.get().to().wire());
        return true;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
