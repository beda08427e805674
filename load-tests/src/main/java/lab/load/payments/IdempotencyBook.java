package lab.load.payments;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.load.check.RunChecks;

/**
 * Which payment each Idempotency-Key produced. One key must never produce two payments (a double
 * charge), and a second successful answer for a key must be a replay marked
 * {@code Idempotent-Replayed: true}, never a second execution. Bounded to the most recent keys:
 * retries and duplicates are sent within seconds of the original.
 */
final class IdempotencyBook {

    static final int MAX_KEYS = 200_000;

    private final RunChecks checks;
    private final Map<String, String> paymentByKey = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_KEYS;
        }
    };

    IdempotencyBook(RunChecks checks) {
        this.checks = checks;
    }

    /** A successful answer (2xx or a stored decline) carrying {@code paymentId} for {@code key}. */
    void answered(String key, String paymentId, boolean replayed) {
        String first;
        synchronized (paymentByKey) {
            first = paymentByKey.putIfAbsent(key, paymentId);
        }
        if (first == null) {
            checks.count(replayed ? "payments.replays" : "payments.created");
            return;
        }
        if (!first.equals(paymentId)) {
            checks.anomaly("payments.double-charge", "Idempotency-Key " + key + " produced " + first + " and " + paymentId);
        } else if (!replayed) {
            checks.anomaly("payments.replay-not-marked", "Idempotency-Key " + key + " answered twice for " + paymentId
                    + " without Idempotent-Replayed: true (executed twice?)");
        } else {
            checks.count("payments.replays");
        }
    }
}
