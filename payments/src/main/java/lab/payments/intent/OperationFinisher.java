package lab.payments.intent;

import java.util.Optional;
import lab.payments.idempotency.IdempotencyKeys;
import lab.payments.idempotency.StoredResponse;
import lab.payments.ledger.JournalTransaction;
import lab.payments.ledger.LedgerStore;
import lab.payments.outbox.OutboxStore;
import lab.payments.processor.ProcessorOutcome;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The post-call phase, shared by the request that made the call and the recovery worker: in one
 * database transaction, the payment's new state, its ledger postings, its outbox event, the
 * operation's status and the idempotency key's stored answer. Only the holder of the operation's
 * current lease may run it, so a slow request and the recovery worker cannot both finish it.
 */
public final class OperationFinisher {

    /** A transition that was committed, for metrics and logs. */
    public record Finished(StoredResponse response, PaymentState from, PaymentState to, boolean ledgerPosted) {
    }

    private final TransactionTemplate tx;
    private final OperationStore operations;
    private final PaymentStore payments;
    private final LedgerStore ledger;
    private final OutboxStore outbox;
    private final IdempotencyKeys keys;
    private final PaymentResponses responses;

    public OperationFinisher(TransactionTemplate tx, OperationStore operations, PaymentStore payments, LedgerStore ledger,
                             OutboxStore outbox, IdempotencyKeys keys, PaymentResponses responses) {
        this.tx = tx;
        this.operations = operations;
        this.payments = payments;
        this.ledger = ledger;
        this.outbox = outbox;
        this.keys = keys;
        this.responses = responses;
    }

    /** Empty when the lease was lost (someone else finishes, or has finished, the operation). */
    public Optional<Finished> finish(String operationId, int leaseToken, ProcessorOutcome outcome, FinishIds ids) {
        if (!(outcome instanceof ProcessorOutcome.Succeeded) && !(outcome instanceof ProcessorOutcome.Refused)) {
            throw new IllegalArgumentException("only a decided outcome finishes an operation, not " + outcome);
        }
        return tx.execute(status -> {
            Optional<Operation> held = operations.lockIfHeld(operationId, leaseToken);
            if (held.isEmpty()) {
                return Optional.empty();
            }
            Operation op = held.get();
            Payment before = payments.lock(op.paymentId()).orElseThrow();
            Finished finished = outcome instanceof ProcessorOutcome.Refused refused
                    ? refuse(op, before, refused, ids)
                    : succeed(op, before, ids);
            operations.finish(op.id(), outcome instanceof ProcessorOutcome.Refused r ? r.status() : "succeeded",
                    outcome instanceof ProcessorOutcome.Refused r ? r.reason() : null);
            keys.complete(op.idempotencyKey(), finished.response());
            return Optional.of(finished);
        });
    }

    private Finished succeed(Operation op, Payment p, FinishIds ids) {
        String txId = ids.transactionId();
        return switch (op.kind()) {
            case "authorize" -> p.automaticCapture()
                    ? commit(p, p.moveTo(PaymentState.CAPTURED, p.amountMinor(), 0, PaymentPostings.feeFor(p.amountMinor()), null),
                            PaymentPostings.sale(txId, p), 201, ids)
                    : commit(p, p.moveTo(PaymentState.AUTHORIZED, 0, 0, 0, null), PaymentPostings.authorization(txId, p), 201, ids);
            case "capture" -> commit(p, p.moveTo(PaymentState.CAPTURED, op.amountMinor(), 0, PaymentPostings.feeFor(op.amountMinor()), null),
                    PaymentPostings.capture(txId, p, op.amountMinor()), 200, ids);
            case "void" -> commit(p, p.moveTo(PaymentState.CANCELED, 0, 0, 0, null), PaymentPostings.cancel(txId, p), 200, ids);
            case "refund" -> {
                long refunded = p.refundedMinor() + op.amountMinor();
                PaymentState next = refunded == p.capturedMinor() ? PaymentState.REFUNDED : PaymentState.PARTIALLY_REFUNDED;
                yield commit(p, p.moveTo(next, p.capturedMinor(), refunded, p.feeMinor(), null), PaymentPostings.refund(txId, p, op.amountMinor()), 200, ids);
            }
            default -> throw new IllegalStateException("unknown operation kind " + op.kind());
        };
    }

    private Finished refuse(Operation op, Payment p, ProcessorOutcome.Refused refused, FinishIds ids) {
        if (op.kind().equals("authorize")) {
            boolean declined = refused.status().equals("declined");
            Payment after = p.moveTo(declined ? PaymentState.DECLINED : PaymentState.FAILED, 0, 0, 0, refused.reason());
            payments.update(after);
            outbox.append(responses.event(ids.eventId(), after, p.state().wire(), null));
            return new Finished(responses.problem(declined ? PaymentProblems.CARD_DECLINED : PaymentProblems.PAYMENT_FAILED,
                    "the processor " + refused.status() + " the payment: " + refused.reason(), after, refused.reason()),
                    p.state(), after.state(), false);
        }
        // A refused capture, void or refund changes nothing: the payment keeps its state and money.
        return new Finished(responses.problem(PaymentProblems.PROCESSOR_REFUSED,
                "the processor refused the " + op.kind() + ": " + refused.reason(), p, refused.reason()), p.state(), p.state(), false);
    }

    private Finished commit(Payment before, Payment after, JournalTransaction transaction, int httpStatus, FinishIds ids) {
        payments.update(after);
        ledger.post(transaction);
        outbox.append(responses.event(ids.eventId(), after, before.state().wire(), transaction.id()));
        return new Finished(responses.success(httpStatus, after), before.state(), after.state(), true);
    }
}
