package lab.payments.reconciliation;

/** One broken invariant: which check, what it concerns (a transaction, account or payment ID) and what is wrong. */
public record Anomaly(String check, String subject, String detail) {
}
