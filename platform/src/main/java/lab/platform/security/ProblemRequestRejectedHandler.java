package lab.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Answers a request the firewall refused (a path parameter, an encoded slash, period or percent, a
 * dot segment, a double slash, a backslash...) with a 400 problem instead of the container's page.
 */
public final class ProblemRequestRejectedHandler implements RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemRequestRejectedHandler.class);

    private final ProblemWriter problems;

    public ProblemRequestRejectedHandler(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException reason) throws IOException {
        log.debug("refused {} {}: {}", request.getMethod(), request.getRequestURI(), reason.getMessage());
        problems.write(request, response, CommonProblems.REJECTED_REQUEST,
                "The request path or headers are not in normal form (" + reason.getMessage()
                        + "); send the plain path without path parameters, encoded slashes or dots");
    }
}
