package lab.payments.intent;

import java.time.Duration;
import java.util.Optional;
import lab.payments.idempotency.IdempotencyKeys;
import lab.payments.idempotency.IdempotencyProblems;
import lab.payments.idempotency.KeyClaim;
import lab.payments.idempotency.StoredResponse;
import lab.payments.ledger.Account;
import lab.payments.ledger.BalanceLimit;
import lab.payments.ledger.LedgerStore;
import lab.payments.outbox.OutboxStore;
import lab.payments.processor.ProcessorCall;
import lab.payments.processor.ProcessorClient;
import lab.payments.processor.ProcessorOutcome;
import lab.platform.ids.IdSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The payment commands in Orpheus/atomic-phases style:
 * <ol>
 *   <li>pre-call transaction: claim the Idempotency-Key, validate, write the payment (or lock it)
 *       and a pending operation with a lease: the recovery point;</li>
 *   <li>the processor call, outside any transaction, with a deadline;</li>
 *   <li>post-call transaction ({@link OperationFinisher}): state, postings, event, stored answer.</li>
 * </ol>
 * A crash between the phases leaves a pending operation whose lease expires; the recovery worker
 * then asks the processor what happened and finishes it.
 */
public final class PaymentCommands {

    private static final Logger log = LoggerFactory.getLogger(PaymentCommands.class);

    /** A parsed, validated-for-shape request to create a payment (amounts in minor units). */
    public record CreatePayment(long amountMinor, String currency, String customer, String merchant, boolean automaticCapture,
                                String description) {
    }

    /** The HTTP answer and whether it is a replay of an earlier request with the same key. */
    public record Answer(StoredResponse response, boolean replayed) {
    }

    /** Where the pre-call phase ended: a replay, or an operation to send and the IDs its post-call phase will write. */
    private record Begun(StoredResponse replay, Operation operation, Payment payment, FinishIds finishIds) {
    }

    private final TransactionTemplate tx;
    private final IdempotencyKeys keys;
    private final PaymentStore payments;
    private final OperationStore operations;
    private final LedgerStore ledger;
    private final OutboxStore outbox;
    private final IdSource ids;
    private final ProcessorClient processor;
    private final OperationFinisher finisher;
    private final PaymentResponses responses;
    private final PaymentMetrics metrics;
    private final long leaseMillis;

    public PaymentCommands(TransactionTemplate tx, IdempotencyKeys keys, PaymentStore payments, OperationStore operations,
                           LedgerStore ledger, OutboxStore outbox, IdSource ids, ProcessorClient processor, OperationFinisher finisher,
                           PaymentResponses responses, PaymentMetrics metrics, long leaseMillis) {
        this.tx = tx;
        this.keys = keys;
        this.payments = payments;
        this.operations = operations;
        this.ledger = ledger;
        this.outbox = outbox;
        this.ids = ids;
        this.processor = processor;
        this.finisher = finisher;
        this.responses = responses;
        this.metrics = metrics;
        this.leaseMillis = leaseMillis;
    }

    public Answer create(String key, CreatePayment command) {
        String path = "/payments";
        Begun begun = tx.execute(s -> {
            Optional<StoredResponse> replay = claim(key, path, command);
            if (replay.isPresent()) {
                return new Begun(replay.get(), null, null, null);
            }
            // The customer pays at most the amount, the merchant receives at most the amount.
            requireAccount(command.customer(), "customer", command.currency(), -command.amountMinor());
            requireAccount(command.merchant(), "merchant", command.currency(), command.amountMinor());
            // Every ID this payment needs is taken before anything is written: without the
            // id-generator the transaction (and the key's claim) rolls back, a 503 and nothing written.
            Payment payment = new Payment("pay_" + ids.nextId(), PaymentState.PROCESSING, command.amountMinor(), command.currency(),
                    command.customer(), command.merchant(), command.automaticCapture(), command.description(), 0, 0, 0, null, 1, null, null);
            String eventId = "evt_" + ids.nextId();
            Operation op = newOperation(payment.id(), "authorize", command.amountMinor(), key);
            FinishIds finishIds = FinishIds.take(ids);
            payments.insert(payment, key);
            outbox.append(responses.event(eventId, payment, PaymentStateMachine.NONE, null));
            operations.insertPending(op, leaseMillis);
            return new Begun(null, op, payment, finishIds);
        });
        return run(begun);
    }

    public Answer capture(String key, String paymentId, Long amountMinorOrNull) {
        return command(key, "/payments/" + paymentId + "/capture", amountMinorOrNull, paymentId, p -> {
            requireState(p, "capture", PaymentState.AUTHORIZED);
            long amount = amountMinorOrNull == null ? p.amountMinor() : amountMinorOrNull;
            if (amount > p.amountMinor()) {
                throw PaymentProblems.AMOUNT_ABOVE_AUTHORIZED.exception("cannot capture " + amount + " of a payment authorized for "
                        + p.amountMinor() + " " + p.currency()).with("authorized", p.amountMinor());
            }
            return newOperation(p.id(), "capture", amount, key);
        });
    }

    public Answer cancel(String key, String paymentId) {
        return command(key, "/payments/" + paymentId + "/cancel", null, paymentId, p -> {
            requireState(p, "cancel", PaymentState.AUTHORIZED);
            return newOperation(p.id(), "void", p.amountMinor(), key);
        });
    }

    public Answer refund(String key, String paymentId, long amountMinor) {
        return command(key, "/payments/" + paymentId + "/refunds", amountMinor, paymentId, p -> {
            requireState(p, "refund", PaymentState.CAPTURED, PaymentState.PARTIALLY_REFUNDED);
            long left = p.capturedMinor() - p.refundedMinor();
            if (amountMinor > left) {
                throw PaymentProblems.AMOUNT_ABOVE_CAPTURED.exception("cannot refund " + amountMinor + ": " + p.capturedMinor()
                        + " captured, " + p.refundedMinor() + " already refunded, " + left + " left").with("refundable", left);
            }
            return newOperation(p.id(), "refund", amountMinor, key);
        });
    }

    private Answer command(String key, String path, Object parameters, String paymentId,
                           java.util.function.Function<Payment, Operation> plan) {
        Begun begun = tx.execute(s -> {
            Optional<StoredResponse> replay = claim(key, path, parameters);
            if (replay.isPresent()) {
                return new Begun(replay.get(), null, null, null);
            }
            Payment payment = payments.lock(paymentId)
                    .orElseThrow(() -> PaymentProblems.PAYMENT_NOT_FOUND.exception("no payment " + paymentId));
            Operation op = plan.apply(payment);
            FinishIds finishIds = FinishIds.take(ids);
            if (!operations.insertPending(op, leaseMillis)) {
                throw PaymentProblems.OPERATION_IN_PROGRESS.exception("payment " + paymentId
                        + " has an operation waiting for the processor; retry when it has finished").retryAfter(Duration.ofSeconds(1));
            }
            return new Begun(null, op, payment, finishIds);
        });
        return run(begun);
    }

    private Optional<StoredResponse> claim(String key, String path, Object parameters) {
        KeyClaim claim = keys.claim(key, "POST", path, IdempotencyKeys.fingerprint("POST", path, parameters));
        return switch (claim) {
            case KeyClaim.Claimed c -> Optional.empty();
            case KeyClaim.Completed done -> {
                metrics.replayed();
                yield Optional.of(done.response());
            }
            case KeyClaim.InFlight f -> {
                metrics.keyConflict("in-flight");
                throw IdempotencyProblems.inUse(key);
            }
            case KeyClaim.Mismatch m -> {
                metrics.keyConflict("reused");
                throw IdempotencyProblems.reused(key, m);
            }
        };
    }

    /** Phases 2 and 3: the call outside any transaction, then the post-call transaction. */
    private Answer run(Begun begun) {
        if (begun.replay() != null) {
            return new Answer(begun.replay(), true);
        }
        Operation op = begun.operation();
        ProcessorOutcome outcome = processor.execute(callFor(op, begun.payment()));
        if (outcome instanceof ProcessorOutcome.Unknown unknown) {
            log.warn("{} {} of {}: outcome unknown ({}); the recovery worker will settle it", op.kind(), op.id(), op.paymentId(), unknown.why());
            throw PaymentProblems.PROCESSOR_UNAVAILABLE.exception("the processor did not answer in time (" + unknown.why()
                    + "); the payment " + op.paymentId() + " will be settled within seconds; retry with the same Idempotency-Key to get the result")
                    .with("paymentId", op.paymentId()).retryAfter(Duration.ofMillis(leaseMillis));
        }
        Optional<OperationFinisher.Finished> finished = finisher.finish(op.id(), op.leaseToken(), outcome, begun.finishIds());
        if (finished.isEmpty()) {
            // We were too slow: our lease expired and recovery took over. The key gets its answer from there.
            throw IdempotencyProblems.inUse(op.idempotencyKey());
        }
        metrics.finished(finished.get(), "request");
        // One line per operation: with the request's trace id, it ties the payment to the gateway and the notification.
        log.info("{} {} of {}: {} -> {}", op.kind(), op.id(), op.paymentId(), finished.get().from().wire(), finished.get().to().wire());
        return new Answer(finished.get().response(), false);
    }

    static ProcessorCall callFor(Operation op, Payment p) {
        return new ProcessorCall(op.id(), op.kind(), p.id(), op.amountMinor(), p.currency(),
                op.kind().equals("authorize") && p.automaticCapture());
    }

    private Operation newOperation(String paymentId, String kind, long amountMinor, String key) {
        return new Operation("op_" + ids.nextId(), paymentId, kind, amountMinor, Operation.PENDING, null, key, 1, 1);
    }

    private void requireAccount(String id, String type, String currency, long deltaMinor) {
        Account account = ledger.find(id).orElseThrow(() -> PaymentProblems.UNKNOWN_ACCOUNT.exception("no account " + id).with("account", id));
        if (!account.type().equals(type) || !account.currency().equals(currency)) {
            throw PaymentProblems.ACCOUNT_MISMATCH.exception(id + " is a " + account.type() + " account in " + account.currency()
                    + "; this payment needs a " + type + " account in " + currency).with("account", id);
        }
        if (!BalanceLimit.allows(account.balanceMinor(), deltaMinor)) {
            throw PaymentProblems.BALANCE_LIMIT_REACHED.exception("this payment would take the balance of " + id + " past "
                    + BalanceLimit.MAX_BALANCE_MINOR + " minor units either way").with("account", id);
        }
    }

    private static void requireState(Payment p, String action, PaymentState... allowed) {
        if (!java.util.Arrays.asList(allowed).contains(p.state())) {
            throw PaymentProblems.INVALID_STATE.exception("cannot " + action + " payment " + p.id() + " in state " + p.state().wire())
                    .with("state", p.state().wire());
        }
    }
}
