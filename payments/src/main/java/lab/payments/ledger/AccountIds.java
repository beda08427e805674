package lab.payments.ledger;

import java.util.regex.Pattern;

/** What a customer or merchant account ID may be: 1 to 64 characters of a-z, 0-9 and _. */
public final class AccountIds {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1," + MAX_LENGTH + "}");

    private AccountIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** What the problems say instead of echoing a hostile value. */
    public static String rule() {
        return "1.." + MAX_LENGTH + " characters of a-z, 0-9 and _";
    }
}
