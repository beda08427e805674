package lab.platform.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.util.Map;
import lab.platform.http.BodyTooLargeException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Every error that reaches Spring MVC leaves as {@code application/problem+json} with a stable
 * type. Client errors are logged at debug (they are the client's), server errors with their
 * stack trace, and a caller that hung up gets no answer and a debug line.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class GlobalProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GlobalProblemHandler.class);
    /** Logs a caller that hung up at debug, one line (trace for the stack) under this category. */
    private static final DisconnectedClientHelper DISCONNECTED_CLIENTS =
            new DisconnectedClientHelper(GlobalProblemHandler.class.getName() + ".disconnected-client");

    private final ProblemFactory factory;

    public GlobalProblemHandler(ProblemFactory factory) {
        this.factory = factory;
    }

    @ExceptionHandler(ProblemException.class)
    public ResponseEntity<Object> handleProblem(ProblemException ex, HttpServletRequest request) {
        if (ex.type().status().is5xxServerError()) {
            log.warn("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), ex.type().slug(), ex.detail());
        } else {
            log.debug("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), ex.type().slug(), ex.detail());
        }
        HttpHeaders headers = new HttpHeaders();
        ProblemFactory.addRetryAfter(headers, ex.retryAfterOrNull());
        return respond(factory.create(ex, request.getRequestURI()), headers, ex.type().status());
    }

    /** A handler that reads the raw stream meets the body limit here (a converter wraps it in its own exception). */
    @ExceptionHandler(BodyTooLargeException.class)
    public ResponseEntity<Object> handleBodyTooLarge(BodyTooLargeException ex, HttpServletRequest request) {
        log.debug("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), CommonProblems.PAYLOAD_TOO_LARGE.slug(), ex.getMessage());
        return respond(factory.create(CommonProblems.PAYLOAD_TOO_LARGE, ex.getMessage(), request.getRequestURI()),
                new HttpHeaders(), CommonProblems.PAYLOAD_TOO_LARGE.status());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    public ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, HttpServletRequest request) {
        String detail = ex.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return respond(factory.create(CommonProblems.VALIDATION_FAILED, detail, request.getRequestURI()),
                new HttpHeaders(), CommonProblems.VALIDATION_FAILED.status());
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Object> handleUnexpected(Exception ex, HttpServletRequest request) {
        // The caller hung up mid-exchange (its deadline passed, it was killed): nobody is left to answer, and it is
        // not this node's failure. Under load, inter-node callers do this routinely; an ERROR with a stack each time
        // buried the real errors.
        if (DISCONNECTED_CLIENTS.checkAndLogClientDisconnectedException(ex)) {
            return null;
        }
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), ex);
        ProblemDetail body = factory.create(CommonProblems.INTERNAL_ERROR,
                "The node failed to handle the request; its log has the details", request.getRequestURI());
        return respond(body, new HttpHeaders(), CommonProblems.INTERNAL_ERROR.status());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ProblemMapping.Mapped mapped = ProblemMapping.map(ex, statusCode.value());
        String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
        ProblemDetail problem = factory.create(mapped.type(), mapped.detail(), path);
        for (Map.Entry<String, Object> property : mapped.properties().entrySet()) {
            problem.setProperty(property.getKey(), property.getValue());
        }
        if (statusCode.is5xxServerError()) {
            log.error("{} failed", path, ex);
        } else {
            log.debug("{} answered {}: {}", path, mapped.type().slug(), mapped.detail());
        }
        return respond(problem, headers, mapped.type().status());
    }

    private static ResponseEntity<Object> respond(ProblemDetail body, HttpHeaders headers, HttpStatusCode status) {
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(body, out, status);
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
