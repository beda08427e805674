package lab.platform.ids;

import java.time.Duration;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;

/**
 * No ID in hand and no id-generator node answered. Left uncaught it answers 503
 * {@code /problems/ids-unavailable} with {@code Retry-After: 1}: the request must be refused, never
 * served with an ID invented locally that could collide with the generator's.
 */
public final class IdsUnavailableException extends ProblemException {

    public static final ProblemType IDS_UNAVAILABLE =
            new ProblemType("ids-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "No IDs available");

    public IdsUnavailableException(String detail, Throwable cause) {
        super(IDS_UNAVAILABLE, detail, cause);
        retryAfter(Duration.ofSeconds(1));
    }
}
