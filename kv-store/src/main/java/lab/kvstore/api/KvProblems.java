package lab.kvstore.api;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;

import java.time.Duration;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.replication.TooManySiblingsException;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;

/** The kv-store's problem types; the slugs are a public contract. */
public final class KvProblems {

    public static final ProblemType QUORUM_NOT_REACHED =
            new ProblemType("quorum-not-reached", SERVICE_UNAVAILABLE, "Quorum not reached");
    public static final ProblemType TOO_MANY_SIBLINGS =
            new ProblemType("too-many-siblings", CONFLICT, "Too many siblings");
    public static final ProblemType INVALID_KEY = new ProblemType("invalid-key", BAD_REQUEST, "Invalid key");
    public static final ProblemType INVALID_CONTEXT = new ProblemType("invalid-context", BAD_REQUEST, "Invalid X-Context");
    public static final ProblemType KEY_NOT_FOUND = new ProblemType("key-not-found", NOT_FOUND, "Key not found");
    public static final ProblemType RING_CHANGE_REFUSED =
            new ProblemType("ring-change-refused", CONFLICT, "Ring change refused");
    public static final ProblemType NOT_A_GAINER =
            new ProblemType("partition-replicated-here", CONFLICT, "This node replicates the partition");

    private KvProblems() {
    }

    public static ProblemException of(QuorumNotReachedException e) {
        ProblemException problem = QUORUM_NOT_REACHED.exception(e.getMessage())
                .with("operation", e.operation())
                .with("needed", e.needed())
                .with("answered", e.answered())
                .with("timedOut", e.timedOut())
                .with("replicas", e.replicas())
                .with("failures", e.failures())
                .retryAfter(Duration.ofSeconds(1));
        if (!e.operation().equals("get")) {
            problem.with("indeterminate", e.indeterminate()).with("applied", e.applied());
        }
        return problem;
    }

    public static ProblemException of(TooManySiblingsException e) {
        return TOO_MANY_SIBLINGS.exception(e.getMessage()).with("siblings", e.siblings()).with("limit", e.limit());
    }
}
