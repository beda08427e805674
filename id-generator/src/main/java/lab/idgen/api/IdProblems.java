package lab.idgen.api;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;

import lab.idgen.core.IdRefusedException;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;

/** The id-generator's problem types (public contracts: never renamed). */
public final class IdProblems {

    public static final ProblemType MALFORMED_ID = new ProblemType("malformed-id", BAD_REQUEST, "Malformed ID");
    public static final ProblemType FUTURE_ID = new ProblemType("future-id", BAD_REQUEST, "ID from the future");
    public static final ProblemType NO_WORKER_LEASE = new ProblemType("no-worker-lease", SERVICE_UNAVAILABLE, "No worker ID lease");
    public static final ProblemType CLOCK_ROLLBACK = new ProblemType("clock-rollback", SERVICE_UNAVAILABLE, "Clock rolled back too far");
    public static final ProblemType CLOCK_STALLED = new ProblemType("clock-stalled", SERVICE_UNAVAILABLE, "Clock does not advance");
    public static final ProblemType HIGH_WATER_MARK_UNAVAILABLE = new ProblemType("high-water-mark-unavailable", SERVICE_UNAVAILABLE,
            "Time high-water mark not persisted");
    public static final ProblemType CLOCK_OUTSIDE_LAYOUT = new ProblemType("clock-outside-layout", SERVICE_UNAVAILABLE,
            "Clock outside the ID layout");

    private IdProblems() {
    }

    public static ProblemException of(IdRefusedException refused) {
        ProblemType type = switch (refused.reason()) {
            case NO_LEASE -> NO_WORKER_LEASE;
            case CLOCK_ROLLBACK -> CLOCK_ROLLBACK;
            case CLOCK_STALLED -> CLOCK_STALLED;
            case NOT_RESERVED -> HIGH_WATER_MARK_UNAVAILABLE;
            case OUTSIDE_LAYOUT -> CLOCK_OUTSIDE_LAYOUT;
        };
        ProblemException problem = type.exception(refused.getMessage()).retryAfter(refused.retryAfter());
        if (refused.reason() == IdRefusedException.Reason.CLOCK_ROLLBACK) {
            problem.with("behindMillis", refused.behindMillis());
        }
        return problem;
    }
}
