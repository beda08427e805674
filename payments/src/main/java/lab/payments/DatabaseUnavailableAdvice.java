package lab.payments;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.time.Duration;
import lab.platform.problem.GlobalProblemHandler;
import lab.platform.problem.ProblemType;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A database that is away, frozen or overloaded is a 503 {@code /problems/database-unavailable}
 * with Retry-After, never a 500: no pooled connection within the pool wait, a connection that
 * failed or timed out (socket timeout), a statement the server cancelled (statement timeout, lock
 * wait), a commit whose outcome the driver could not learn. Every POST carries an Idempotency-Key,
 * so the client's retry with the same key either finds the stored answer or does the work once.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DatabaseUnavailableAdvice {

    static final ProblemType DATABASE_UNAVAILABLE =
            new ProblemType("database-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "The database did not answer in time");
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final GlobalProblemHandler problems;

    DatabaseUnavailableAdvice(GlobalProblemHandler problems) {
        this.problems = problems;
    }

    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class, RecoverableDataAccessException.class,
            CannotCreateTransactionException.class, TransactionSystemException.class})
    ResponseEntity<Object> unavailable(Exception failure, HttpServletRequest request) {
        return answer(failure, request);
    }

    /** A driver error Spring could not classify: a 503 only when its SQLState says the connection or the server gave up. */
    @ExceptionHandler(UncategorizedSQLException.class)
    ResponseEntity<Object> uncategorized(UncategorizedSQLException failure, HttpServletRequest request) {
        return isUnavailable(failure.getSQLException()) ? answer(failure, request) : problems.handleUnexpected(failure, request);
    }

    /** 08: connection exceptions; 57014: statement cancelled (timeout); 57P0x: server shutting down or starting; 53300: too many connections. */
    static boolean isUnavailable(SQLException e) {
        String state = e == null ? null : e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57014") || state.startsWith("57P0") || state.equals("53300"));
    }

    private ResponseEntity<Object> answer(Exception failure, HttpServletRequest request) {
        return problems.handleProblem(DATABASE_UNAVAILABLE.exception("PostgreSQL did not answer in time (" + failure.getClass().getSimpleName()
                + "); retry later (a POST retried with the same Idempotency-Key is done at most once)").retryAfter(RETRY_AFTER), request);
    }
}
