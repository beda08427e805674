package lab.platform.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's whitelabel {@code /error} page: errors raised outside Spring MVC (by the
 * servlet container or a filter) are problems too, never an HTML page or a bare 500.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private final ProblemFactory factory;

    public ProblemErrorController(ProblemFactory factory) {
        this.factory = factory;
    }

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer code ? code : 500;
        if (status < 400) {
            status = 500;
        }
        Object uriAttribute = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uriAttribute instanceof String uri ? uri : request.getRequestURI();
        ProblemType type = CommonProblems.forStatus(status);
        String detail = status >= 500
                ? "The node failed to handle the request; its log has the details"
                : messageOr(request, type.title());
        ProblemDetail body = factory.create(type, detail, path);
        body.setStatus(status);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(body, headers, status);
    }

    private static String messageOr(HttpServletRequest request, String fallback) {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        return message instanceof String text && !text.isBlank() ? text : fallback;
    }
}
