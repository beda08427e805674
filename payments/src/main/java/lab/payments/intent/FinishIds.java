package lab.payments.intent;

import lab.platform.ids.IdSource;

/**
 * The IDs the post-call phase may write: a ledger transaction and an outbox event. They are taken
 * before the phase starts, so its database transaction never waits on the id-generator; a request
 * takes them before it writes anything, so it cannot be left between phases for want of an ID.
 */
public record FinishIds(String transactionId, String eventId) {

    public static FinishIds take(IdSource ids) {
        return new FinishIds("txn_" + ids.nextId(), "evt_" + ids.nextId());
    }
}
