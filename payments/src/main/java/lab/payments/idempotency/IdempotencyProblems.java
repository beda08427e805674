package lab.payments.idempotency;

import java.time.Duration;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;

/** The problems of the Idempotency-Key header draft, with stable types. */
public final class IdempotencyProblems {

    public static final ProblemType KEY_MISSING = new ProblemType("idempotency-key-missing", HttpStatus.BAD_REQUEST, "Idempotency-Key header required");
    public static final ProblemType KEY_INVALID = new ProblemType("idempotency-key-invalid", HttpStatus.BAD_REQUEST, "Invalid Idempotency-Key");
    public static final ProblemType KEY_IN_USE = new ProblemType("idempotency-key-in-use", HttpStatus.CONFLICT, "Idempotency-Key in use");
    public static final ProblemType KEY_REUSED = new ProblemType("idempotency-key-reused", HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused with other parameters");

    private IdempotencyProblems() {
    }

    /** Checks the header: present, 1..255 visible ASCII characters. */
    public static String requireValidKey(String key) {
        if (key == null || key.isEmpty()) {
            throw KEY_MISSING.exception("every POST needs an Idempotency-Key header (for example a UUID) so that a retry cannot pay twice");
        }
        if (key.length() > IdempotencyKeys.MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 32 && c < 127)) {
            throw KEY_INVALID.exception("an Idempotency-Key is 1 to " + IdempotencyKeys.MAX_KEY_LENGTH + " visible ASCII characters");
        }
        return key;
    }

    public static ProblemException inUse(String key) {
        return KEY_IN_USE.exception("a request with Idempotency-Key " + key + " is still being processed; retry later with the same key to get its result")
                .retryAfter(Duration.ofSeconds(1));
    }

    public static ProblemException reused(String key, KeyClaim.Mismatch first) {
        return KEY_REUSED.exception("Idempotency-Key " + key + " was first used for " + first.firstMethod() + " " + first.firstPath()
                + " with other parameters; use a new key for a new request")
                .with("firstRequest", first.firstMethod() + " " + first.firstPath());
    }
}
