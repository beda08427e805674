package lab.kvstore.api;

import jakarta.servlet.http.HttpServletRequest;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.replication.TooManySiblingsException;
import lab.kvstore.streaming.RingChangeRefusedException;
import lab.platform.problem.GlobalProblemHandler;
import lab.platform.problem.ProblemException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns the replication layer's failures into the store's problem types, through the platform's handler. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class KvProblemAdvice {

    private final GlobalProblemHandler problems;

    public KvProblemAdvice(GlobalProblemHandler problems) {
        this.problems = problems;
    }

    @ExceptionHandler(QuorumNotReachedException.class)
    public ResponseEntity<Object> quorum(QuorumNotReachedException e, HttpServletRequest request) {
        return problems.handleProblem(KvProblems.of(e), request);
    }

    @ExceptionHandler(TooManySiblingsException.class)
    public ResponseEntity<Object> siblings(TooManySiblingsException e, HttpServletRequest request) {
        return problems.handleProblem(KvProblems.of(e), request);
    }

    @ExceptionHandler(RingChangeRefusedException.class)
    public ResponseEntity<Object> ringChange(RingChangeRefusedException e, HttpServletRequest request) {
        return problems.handleProblem(KvProblems.RING_CHANGE_REFUSED.exception(e.getMessage()), request);
    }

    /** A problem a forwarded-to coordinator answered, rethrown here with its type and members. */
    @ExceptionHandler(RemoteProblemException.class)
    public ResponseEntity<Object> remote(RemoteProblemException e, HttpServletRequest request) {
        ProblemException problem = e.problem();
        return problems.handleProblem(problem, request);
    }
}
