package lab.ratelimit.api;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemFactory;
import lab.platform.problem.ProblemType;
import lab.ratelimit.limiter.LimiterMetrics;
import lab.ratelimit.limiter.Mode;
import lab.ratelimit.limiter.RateLimiter;
import lab.ratelimit.limiter.Verdict;
import lab.ratelimit.policy.Policies;
import lab.ratelimit.policy.Policy;
import lab.ratelimit.policy.PolicyAdminController;
import lab.ratelimit.policy.Visibility;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /limits/{policy}/{key}/acquire?permits=N} and {@code GET /limits/{policy}/{key}} for
 * {@link Visibility#PUBLIC public} policies, and the same two under {@code /internal/limits} for
 * every policy. An internal policy is not found on the public API, exactly as a policy that does not
 * exist: a public caller learns neither that it exists nor its shape.
 */
@RestController
public class LimitsController {

    static final ProblemType QUOTA_EXCEEDED = new ProblemType("quota-exceeded", HttpStatus.TOO_MANY_REQUESTS, "Quota exceeded");
    static final ProblemType INVALID_PERMITS = new ProblemType("invalid-permits", HttpStatus.BAD_REQUEST, "Invalid permits");
    static final ProblemType INVALID_KEY = new ProblemType("invalid-key", HttpStatus.BAD_REQUEST, "Invalid key");
    static final ProblemType LIMITER_UNAVAILABLE =
            new ProblemType("limiter-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Rate limiter unavailable");
    static final int MAX_KEY_BYTES = 256;

    private final Policies policies;
    private final RateLimiter limiter;
    private final LimiterMetrics metrics;
    private final ProblemFactory problems;

    public LimitsController(Policies policies, RateLimiter limiter, LimiterMetrics metrics, ProblemFactory problems) {
        this.policies = policies;
        this.limiter = limiter;
        this.metrics = metrics;
        this.problems = problems;
    }

    @PostMapping("/limits/{policy}/{key}/acquire")
    public ResponseEntity<?> acquire(@PathVariable("policy") String policyName, @PathVariable String key,
                                     @RequestParam(defaultValue = "1") long permits, HttpServletRequest request) {
        return acquire(resolve(policyName, key, permits, Visibility.PUBLIC), key, permits, request);
    }

    @GetMapping("/limits/{policy}/{key}")
    public ResponseEntity<?> peek(@PathVariable("policy") String policyName, @PathVariable String key,
                                  @RequestParam(defaultValue = "1") long permits, HttpServletRequest request) {
        return peek(resolve(policyName, key, permits, Visibility.PUBLIC), key, permits, request);
    }

    @PostMapping("/internal/limits/{policy}/{key}/acquire")
    public ResponseEntity<?> acquireAny(@PathVariable("policy") String policyName, @PathVariable String key,
                                        @RequestParam(defaultValue = "1") long permits, HttpServletRequest request) {
        return acquire(resolve(policyName, key, permits, Visibility.INTERNAL), key, permits, request);
    }

    @GetMapping("/internal/limits/{policy}/{key}")
    public ResponseEntity<?> peekAny(@PathVariable("policy") String policyName, @PathVariable String key,
                                     @RequestParam(defaultValue = "1") long permits, HttpServletRequest request) {
        return peek(resolve(policyName, key, permits, Visibility.INTERNAL), key, permits, request);
    }

    private ResponseEntity<?> acquire(Policy policy, String key, long permits, HttpServletRequest request) {
        Verdict verdict = limiter.decide(policy, key, permits, true);
        metrics.record(verdict, permits);
        return answer(verdict, request, true);
    }

    private ResponseEntity<?> peek(Policy policy, String key, long permits, HttpServletRequest request) {
        return answer(limiter.decide(policy, key, permits, false), request, false);
    }

    /** The policy, if {@code audience} may see it ({@code INTERNAL}: every policy), and the key and permits checked. */
    private Policy resolve(String policyName, String key, long permits, Visibility audience) {
        Policy policy = policies.find(policyName)
                .filter(p -> audience == Visibility.INTERNAL || p.isPublic())
                .orElseThrow(() -> PolicyAdminController.UNKNOWN_POLICY
                        .exception("no policy named '" + policyName + "'").with("policy", policyName));
        int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (key.isBlank() || keyBytes > MAX_KEY_BYTES) {
            throw INVALID_KEY.exception("a key must be 1 to " + MAX_KEY_BYTES + " bytes of UTF-8 and not blank, got "
                    + keyBytes + " bytes").with("maxBytes", MAX_KEY_BYTES);
        }
        if (permits < 1 || permits > policy.capacity()) {
            throw INVALID_PERMITS.exception("permits must be between 1 and the capacity " + policy.capacity()
                    + " of policy '" + policy.name() + "', got " + permits).with("capacity", policy.capacity());
        }
        return policy;
    }

    private ResponseEntity<?> answer(Verdict verdict, HttpServletRequest request, boolean acquiring) {
        if (verdict.undecided()) {
            String detail = verdict.mode() == Mode.CLOSED
                    ? "Redis is unavailable and policy '" + verdict.policy().name()
                            + "' fails closed: no request is admitted until Redis answers again"
                    : "Redis did not confirm the decision in time and may have counted it; policy '" + verdict.policy().name()
                            + "' admits from this node's local share only while Redis is known to be down, so this request"
                            + " is refused: retry";
            ProblemDetail body = problems.create(LIMITER_UNAVAILABLE.exception(detail), request.getRequestURI());
            body.setProperty("mode", verdict.mode().label());
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, "1");
            headers.set("X-RateLimit-Mode", verdict.mode().label());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(headers)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
        }
        LimitView view = LimitView.of(verdict);
        HttpHeaders headers = RateLimitHeaders.of(verdict, view);
        headers.add("X-RateLimit-Mode", view.mode());
        if (verdict.allowed() || !acquiring) {
            return ResponseEntity.ok().headers(headers).contentType(MediaType.APPLICATION_JSON).body(view);
        }
        long retryAfterSeconds = Math.max(1, LimitView.ceilSeconds(verdict.decision().retryAfterMicros()));
        ProblemException exceeded = QUOTA_EXCEEDED.exception("policy '" + verdict.policy().name() + "' admits "
                + verdict.policy().capacity() + " per burst and " + verdict.policy().refillPerSecond()
                + " per second; retry in " + retryAfterSeconds + " s");
        ProblemDetail body = problems.create(exceeded, request.getRequestURI());
        body.setProperty("allowed", false);
        body.setProperty("remaining", view.remaining());
        body.setProperty("limit", view.limit());
        body.setProperty("resetSeconds", view.resetSeconds());
        body.setProperty("mode", view.mode());
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
