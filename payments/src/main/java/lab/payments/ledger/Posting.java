package lab.payments.ledger;

import java.util.Objects;

/** One leg of a journal transaction: a signed amount in minor units on one account. */
public record Posting(String accountId, String currency, long amountMinor) {

    public Posting {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(currency, "currency");
        if (amountMinor == 0) {
            throw new IllegalArgumentException("a posting of zero on " + accountId + " moves nothing; leave it out");
        }
    }
}
