package lab.platform.faults;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import lab.platform.internode.InterNodeHeaders;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemWriter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the active faults to requests the node serves. Operator and scrape paths
 * ({@code /admin/**}, {@code /actuator/**}) are exempt, so a drill can always be observed and
 * undone.
 *
 * <p>A request from a dropped peer is held until the caller's own deadline has passed and then
 * refused: to the caller that is what a dropped packet looks like, a timeout, not a fast error.
 */
public class FaultInjectionFilter extends OncePerRequestFilter {

    /** Upper bound for holding a dropped peer's request when it announced no deadline. */
    static final long MAX_HOLD_MILLIS = 30_000;

    private final FaultRegistry faults;
    private final ProblemWriter problems;
    private final FaultMetrics metrics;

    public FaultInjectionFilter(FaultRegistry faults, ProblemWriter problems, FaultMetrics metrics) {
        this.faults = faults;
        this.problems = problems;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // The decoded, normalised path the handler sees (as security judges it), not the raw URI.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.startsWith("/admin") || path.startsWith("/actuator") || path.equals("/error");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String fromNode = request.getHeader(InterNodeHeaders.FROM_NODE);
        if (faults.isDropped(fromNode)) {
            metrics.injected(FaultRegistry.DROP_PEERS);
            pause(Duration.ofMillis(holdMillis(request)));
            problems.write(request, response, CommonProblems.PEER_PARTITIONED,
                    "Traffic from " + fromNode + " is dropped by an operator fault (partition)");
            return;
        }
        Duration latency = faults.nextLatency();
        if (!latency.isZero()) {
            metrics.injected(FaultRegistry.LATENCY);
            pause(latency);
        }
        if (faults.nextRequestFails()) {
            metrics.injected(FaultRegistry.ERROR_RATE);
            problems.write(request, response, CommonProblems.INJECTED_FAULT.exception(
                    "Failed on purpose: an operator set an error rate of " + faults.errorRate() + " on this node")
                    .retryAfter(Duration.ofSeconds(1)));
            return;
        }
        chain.doFilter(request, response);
    }

    private static long holdMillis(HttpServletRequest request) {
        String deadline = request.getHeader(InterNodeHeaders.DEADLINE_MILLIS);
        if (deadline != null) {
            try {
                return Math.clamp(Long.parseLong(deadline.strip()), 0, MAX_HOLD_MILLIS);
            } catch (NumberFormatException ignored) {
                // A malformed header must not turn a drill into a 500; hold for the maximum instead.
            }
        }
        return MAX_HOLD_MILLIS;
    }

    /** Requests run on virtual threads, so holding one costs no platform thread. */
    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while injecting a fault", e);
        }
    }
}
