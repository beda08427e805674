package lab.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import lab.platform.problem.ProblemType;
import lab.platform.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * One refusal of the security chain, answered as a problem: a missing credential (entry point), a
 * wrong one (failure handler) or a credential that does not open this path (access denied), with
 * an optional {@code WWW-Authenticate} challenge.
 */
public final class SecurityProblemAnswer implements AuthenticationEntryPoint, AuthenticationFailureHandler, AccessDeniedHandler {

    private final ProblemWriter problems;
    private final ProblemType type;
    private final String detail;
    private final String challenge;

    private SecurityProblemAnswer(ProblemWriter problems, ProblemType type, String detail, String challenge) {
        this.problems = problems;
        this.type = type;
        this.detail = detail;
        this.challenge = challenge;
    }

    public static SecurityProblemAnswer of(ProblemWriter problems, ProblemType type, String detail) {
        return new SecurityProblemAnswer(problems, type, detail, null);
    }

    /** The same answer with a {@code WWW-Authenticate} header, for a 401. */
    public SecurityProblemAnswer withChallenge(String wwwAuthenticate) {
        return new SecurityProblemAnswer(problems, type, detail, wwwAuthenticate);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException reason) throws IOException {
        answer(request, response);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
            throws IOException {
        answer(request, response);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException reason) throws IOException {
        answer(request, response);
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (challenge != null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        problems.write(request, response, type, detail);
    }
}
