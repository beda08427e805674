package lab.payments.ledger;

/**
 * How far an account's balance may go either way: 10^18 minor units. A posting that would take a
 * customer's or merchant's balance past it is refused before anything is written or sent to the
 * processor, so a balance never wraps around. The bound leaves 8 * 10^18 of a long's range as
 * headroom: payments racing past the check (each at most
 * {@code AmountParsing.MAX_AMOUNT_MINOR}, 10^11) would need tens of millions in
 * flight at once to reach the end of a long.
 */
public final class BalanceLimit {

    public static final long MAX_BALANCE_MINOR = 1_000_000_000_000_000_000L;

    private BalanceLimit() {
    }

    /** Whether {@code balance + delta} stays within the bound (false also when the sum itself would overflow). */
    public static boolean allows(long balanceMinor, long deltaMinor) {
        long after;
        try {
            after = Math.addExact(balanceMinor, deltaMinor);
        } catch (ArithmeticException overflow) {
            return false;
        }
        return after <= MAX_BALANCE_MINOR && after >= -MAX_BALANCE_MINOR;
    }
}
