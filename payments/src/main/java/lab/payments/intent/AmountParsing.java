package lab.payments.intent;

import lab.payments.ledger.Currencies;
import tools.jackson.databind.JsonNode;

/** Checks amounts and currencies as they arrive, with messages that say what is wrong. */
public final class AmountParsing {

    /** Large enough for any real payment, small enough that sums of many never overflow a long. */
    public static final long MAX_AMOUNT_MINOR = 100_000_000_000L;

    private AmountParsing() {
    }

    /** A positive whole number of minor units (cents): 1999 is 19.99 EUR; 19.99, "1999", 0 and -5 are refused. */
    public static long positiveMinor(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw PaymentProblems.INVALID_AMOUNT.exception(field + " is required: a positive whole number of minor units (1999 = 19.99)").with("field", field);
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw PaymentProblems.INVALID_AMOUNT.exception(field + " must be a whole number of minor units (1999 = 19.99), got " + node)
                    .with("field", field);
        }
        long value = node.asLong();
        if (value <= 0 || value > MAX_AMOUNT_MINOR) {
            throw PaymentProblems.INVALID_AMOUNT.exception(field + " must be between 1 and " + MAX_AMOUNT_MINOR + ", got " + value).with("field", field);
        }
        return value;
    }

    public static String currency(String code) {
        if (!Currencies.isSupported(code)) {
            throw PaymentProblems.UNSUPPORTED_CURRENCY.exception("currency must be one of " + new java.util.TreeSet<>(Currencies.SUPPORTED)
                    + " (ISO 4217, upper case), got " + Currencies.shown(code)).with("field", "currency");
        }
        return code;
    }
}
