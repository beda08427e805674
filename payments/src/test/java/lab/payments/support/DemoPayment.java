package lab.payments.support;

/** Payment requests between the demo accounts every payments database is seeded with. */
public final class DemoPayment {

    private DemoPayment() {
    }

    /** The n-th payment: 1.00 to 50.99 EUR, spread over {@code cust_1..cust_1000} and {@code merch_1..merch_10}. */
    public static String body(int n) {
        return "{\"amount\":" + (100 + n % 5000) + ",\"currency\":\"EUR\",\"customer\":\"cust_" + (1 + n % 1000) + "\",\"merchant\":\"merch_"
                + (1 + n % 10) + "\"}";
    }
}
