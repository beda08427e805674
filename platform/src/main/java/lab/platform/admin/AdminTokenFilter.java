package lab.platform.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards {@code /admin/**}: no or malformed bearer token is 401 (with a {@code WWW-Authenticate}
 * challenge), a wrong token is 403. Fault injection lives behind this door, so it is never open.
 */
public class AdminTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final AdminToken token;
    private final ProblemWriter problems;

    public AdminTokenFilter(AdminToken token, ProblemWriter problems) {
        this.token = token;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/admin") || path.startsWith("/admin/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"admin\"");
            problems.write(request, response, CommonProblems.UNAUTHORIZED_TYPE,
                    "The operator API needs 'Authorization: Bearer <ADMIN_TOKEN>' (./cluster token prints it)");
            return;
        }
        if (!token.matches(authorization.substring(BEARER.length()).strip())) {
            problems.write(request, response, CommonProblems.FORBIDDEN_TYPE, "The admin token is wrong");
            return;
        }
        chain.doFilter(request, response);
    }
}
