package lab.processor.charges;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The card processor's books: every request ID's final answer and what each payment holds at the
 * processor. Idempotent on the request ID (a repeated request is answered from memory, money moves
 * once); a different request ID for the same payment is a new operation, exactly like a real
 * processor, so a caller that double-charges shows up here as two authorizations.
 *
 * <p>Plain Java with its clock, journal and drill decisions passed in; one lock, because a card
 * processor that is a demo prop needs correctness, not throughput.
 */
public final class SimulatedProcessor {

    /** Where decisions are made durable before they are acknowledged. */
    public interface Journal {
        /** Records a decision (in order); it may not be on disk until {@link #awaitDurable()}. */
        void append(OperationResult result);

        /** Returns once every appended decision is durable. */
        default void awaitDurable() {
        }

        List<OperationResult> replay();
    }

    /** Whether an authorization is declined or fails, per the operator's drills. */
    public interface Decisions {
        boolean decline();

        boolean fail();
    }

    /** A repeated request ID that asks for something else: a caller bug, refused, never executed. */
    public static final class ConflictingRequestException extends RuntimeException {
        public ConflictingRequestException(String message) {
            super(message);
        }
    }

    /** The answer and whether it was replayed from an earlier request with the same ID. */
    public record Execution(OperationResult result, boolean replayed) {
    }

    private final Clock clock;
    private final Journal journal;
    private final Decisions decisions;
    private final Map<String, OperationResult> byRequestId = new HashMap<>();
    private final Map<String, CardPaymentTotals> byPaymentRef = new HashMap<>();
    private final List<OperationResult> inOrder = new ArrayList<>();
    private long lastSeq;

    public SimulatedProcessor(Clock clock, Journal journal, Decisions decisions) {
        this.clock = clock;
        this.journal = journal;
        this.decisions = decisions;
        for (OperationResult result : journal.replay()) {
            remember(result);
        }
    }

    /**
     * Decides under the lock, then waits for the journal outside it, so concurrent calls share one
     * fsync (group commit). No answer, first or replayed, leaves before its decision is durable.
     */
    public Execution execute(OperationRequest request) {
        Execution execution = decide(request);
        journal.awaitDurable();
        return execution;
    }

    private synchronized Execution decide(OperationRequest request) {
        OperationResult earlier = byRequestId.get(request.requestId());
        if (earlier != null) {
            if (!earlier.request().sameParameters(request)) {
                throw new ConflictingRequestException("request " + request.requestId() + " was first used for "
                        + earlier.kind() + " of " + earlier.amountMinor() + " " + earlier.currency() + " on " + earlier.paymentRef()
                        + "; a request ID cannot be reused with other parameters");
            }
            return new Execution(earlier, true);
        }
        CardPaymentTotals totals = byPaymentRef.getOrDefault(request.paymentRef(), CardPaymentTotals.NONE);
        String refusal = refusal(request, totals);
        String status = refusal == null ? OperationResult.SUCCEEDED : refusal.equals("card_declined") ? OperationResult.DECLINED : OperationResult.FAILED;
        OperationResult result = new OperationResult(lastSeq + 1, request.requestId(), request.kind(), request.paymentRef(),
                request.amountMinor(), request.currency(), request.capture(), status, refusal, clock.millis());
        journal.append(result);
        remember(result);
        return new Execution(result, false);
    }

    public Optional<OperationResult> find(String requestId) {
        Optional<OperationResult> found;
        synchronized (this) {
            found = Optional.ofNullable(byRequestId.get(requestId));
        }
        journal.awaitDurable();
        return found;
    }

    /** Results decided after {@code afterSeq}, oldest first. */
    public synchronized List<OperationResult> listAfter(long afterSeq, int limit) {
        int from = (int) Math.min(inOrder.size(), Math.max(0, afterSeq));
        return List.copyOf(inOrder.subList(from, Math.min(inOrder.size(), from + limit)));
    }

    public synchronized CardPaymentTotals totals(String paymentRef) {
        return byPaymentRef.getOrDefault(paymentRef, CardPaymentTotals.NONE);
    }

    /** Null when the operation goes through, else the decline/failure reason. */
    private String refusal(OperationRequest request, CardPaymentTotals totals) {
        return switch (request.kind()) {
            case AUTHORIZE -> decisions.decline() ? "card_declined" : decisions.fail() ? "processing_error" : null;
            case CAPTURE -> totals.authorizedMinor() == 0 || totals.voided() ? "not_authorized"
                    : totals.capturedMinor() > 0 ? "already_captured"
                    : request.amountMinor() > totals.authorizedMinor() ? "amount_above_authorized" : null;
            case VOID -> totals.authorizedMinor() == 0 ? "not_authorized"
                    : totals.capturedMinor() > 0 ? "already_captured" : totals.voided() ? "already_voided" : null;
            case REFUND -> request.amountMinor() > totals.capturedMinor() - totals.refundedMinor() ? "amount_above_captured" : null;
        };
    }

    private void remember(OperationResult result) {
        if (result.seq() != lastSeq + 1) {
            throw new IllegalStateException("journal out of order: expected seq " + (lastSeq + 1) + ", got " + result.seq());
        }
        lastSeq = result.seq();
        byRequestId.put(result.requestId(), result);
        inOrder.add(result);
        if (result.succeeded()) {
            byPaymentRef.merge(result.paymentRef(), CardPaymentTotals.NONE.apply(result), (old, ignored) -> old.apply(result));
        }
    }
}
