package lab.payments.ledger;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A money movement: postings that sum to zero in every currency. The constructor refuses anything
 * else, so an unbalanced transaction cannot even be built, let alone posted.
 */
public record JournalTransaction(String id, String kind, String paymentId, List<Posting> postings) {

    public JournalTransaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        postings = List.copyOf(postings);
        if (postings.size() < 2) {
            throw new UnbalancedTransactionException("transaction " + id + " has " + postings.size() + " posting(s); double entry needs at least two");
        }
        Map<String, Long> sums = new TreeMap<>();
        for (Posting posting : postings) {
            sums.merge(posting.currency(), posting.amountMinor(), Math::addExact);
        }
        for (Map.Entry<String, Long> sum : sums.entrySet()) {
            if (sum.getValue() != 0) {
                throw new UnbalancedTransactionException("transaction " + id + " (" + kind + ") sums to " + sum.getValue() + " "
                        + sum.getKey() + ", not zero: " + postings);
            }
        }
    }

    /** A bug in the posting rules, never a user error: it fails the whole database transaction. */
    public static final class UnbalancedTransactionException extends IllegalStateException {
        public UnbalancedTransactionException(String message) {
            super(message);
        }
    }
}
