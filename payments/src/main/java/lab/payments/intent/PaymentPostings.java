package lab.payments.intent;

import java.util.ArrayList;
import java.util.List;
import lab.payments.ledger.Currencies;
import lab.payments.ledger.JournalTransaction;
import lab.payments.ledger.Posting;

/**
 * Which postings each step of a payment makes (the worked example is in docs/payments.md).
 * Signs: a posting adds to the account's balance; the customer's balance goes down when it pays.
 * <ul>
 *   <li>authorize a: customer -a, clearing +a (the hold)</li>
 *   <li>capture c of a: clearing -a, merchant +(c - fee), fees +fee, customer +(a - c) (the release)</li>
 *   <li>automatic capture (sale) a: customer -a, merchant +(a - fee), fees +fee</li>
 *   <li>cancel a: clearing -a, customer +a</li>
 *   <li>refund r: merchant -r, customer +r (the fee is not returned, as with most processors)</li>
 * </ul>
 */
public final class PaymentPostings {

    /** Processing fee in basis points of the captured amount, rounded down. */
    public static final long FEE_BASIS_POINTS = 140;

    private PaymentPostings() {
    }

    public static long feeFor(long capturedMinor) {
        return Math.multiplyExact(capturedMinor, FEE_BASIS_POINTS) / 10_000;
    }

    static JournalTransaction authorization(String txId, Payment p) {
        return tx(txId, "authorization", p, new long[] {-p.amountMinor(), p.amountMinor(), 0, 0});
    }

    static JournalTransaction sale(String txId, Payment p) {
        long fee = feeFor(p.amountMinor());
        return tx(txId, "sale", p, new long[] {-p.amountMinor(), 0, p.amountMinor() - fee, fee});
    }

    static JournalTransaction capture(String txId, Payment p, long capturedMinor) {
        long fee = feeFor(capturedMinor);
        return tx(txId, "capture", p, new long[] {p.amountMinor() - capturedMinor, -p.amountMinor(), capturedMinor - fee, fee});
    }

    static JournalTransaction cancel(String txId, Payment p) {
        return tx(txId, "cancel", p, new long[] {p.amountMinor(), -p.amountMinor(), 0, 0});
    }

    static JournalTransaction refund(String txId, Payment p, long refundMinor) {
        return tx(txId, "refund", p, new long[] {refundMinor, 0, -refundMinor, 0});
    }

    /** Deltas in the order customer, clearing, merchant, fees; zero legs are left out. */
    private static JournalTransaction tx(String txId, String kind, Payment p, long[] deltas) {
        String[] accounts = {p.customerId(), Currencies.clearingAccount(p.currency()), p.merchantId(), Currencies.feesAccount(p.currency())};
        List<Posting> postings = new ArrayList<>();
        for (int i = 0; i < accounts.length; i++) {
            if (deltas[i] != 0) {
                postings.add(new Posting(accounts[i], p.currency(), deltas[i]));
            }
        }
        return new JournalTransaction(txId, kind, p.id(), postings);
    }
}
