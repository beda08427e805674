package lab.payments.ledger;

import java.util.Set;

/** The ISO 4217 currencies this ledger keeps system accounts for (see the V2 migration). */
public final class Currencies {

    public static final Set<String> SUPPORTED = Set.of("EUR", "USD", "GBP", "CHF", "JPY");

    private Currencies() {
    }

    public static boolean isSupported(String code) {
        return code != null && SUPPORTED.contains(code);
    }

    public static String clearingAccount(String currency) {
        return "clearing_" + currency;
    }

    public static String feesAccount(String currency) {
        return "fees_" + currency;
    }

    /** A client's currency code as a problem may quote it: at most a few characters, never a hostile megabyte. */
    public static String shown(String code) {
        if (code == null) {
            return "nothing";
        }
        return "'" + (code.length() > 8 ? code.substring(0, 8) + "..." : code) + "'";
    }
}
