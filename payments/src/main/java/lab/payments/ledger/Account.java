package lab.payments.ledger;

/** An account in one currency; its balance is the sum of its entries. */
public record Account(String id, String type, String currency, long balanceMinor) {
}
