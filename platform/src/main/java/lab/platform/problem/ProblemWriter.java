package lab.platform.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem straight to the servlet response, for the places that answer before Spring
 * MVC runs (filters: the admin token, injected faults, the body size limit).
 */
public final class ProblemWriter {

    private final ProblemFactory factory;
    private final JsonMapper jsonMapper;

    public ProblemWriter(ProblemFactory factory, JsonMapper jsonMapper) {
        this.factory = factory;
        this.jsonMapper = jsonMapper;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ProblemException problem) throws IOException {
        write(request, response, factory.create(problem, request.getRequestURI()), problem.retryAfterOrNull(), problem.type());
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail) throws IOException {
        write(request, response, factory.create(type, detail, request.getRequestURI()), null, type);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail body,
                       java.time.Duration retryAfter, ProblemType type) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(type.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (retryAfter != null) {
            HttpHeaders headers = new HttpHeaders();
            ProblemFactory.addRetryAfter(headers, retryAfter);
            response.setHeader(HttpHeaders.RETRY_AFTER, headers.getFirst(HttpHeaders.RETRY_AFTER));
        }
        byte[] json = jsonMapper.writeValueAsBytes(body);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        response.flushBuffer();
    }
}
