package lab.load.ratelimit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.load.check.RunChecks;

/**
 * The token bucket's promise on one key: over any interval of {@code t} seconds the bucket in
 * Redis admits at most {@code capacity + refillPerSecond × t}. The run's hot key is new (it starts
 * full), so the whole run is such an interval. Only the answers given in {@code global} mode come
 * from that bucket; {@code local} and {@code open} admissions during a Redis outage are over the
 * limit by design and are reported apart. Redis may come back empty after an outage (a full
 * bucket again), so each outage seen adds one capacity to the bound.
 * <p>
 * Capacity and refill come from the answers themselves: the {@code RateLimit-Policy} header
 * carries {@code q} (capacity) and {@code w} (seconds to refill an empty bucket, rounded up), so
 * the refill rate is below {@code q / (w - 1)}: a bound that needs no admin token and still trips
 * on any real over-admission (twice the limit, a lost update).
 */
final class HotKeyBound {

    private static final Pattern POLICY = Pattern.compile(";q=(\\d+);w=(\\d+)");

    private record Answer(long startMillis, long endMillis, boolean allowed, String mode) {
    }

    private final List<Answer> answers = new ArrayList<>();
    private long capacity = -1;
    private long windowSeconds = -1;

    synchronized void answer(int status, String mode, String policyHeader, long startMillis, long endMillis) {
        answers.add(new Answer(startMillis, endMillis, status == 200, String.valueOf(mode)));
        if (policyHeader != null) {
            Matcher m = POLICY.matcher(policyHeader);
            if (m.find()) {
                capacity = Long.parseLong(m.group(1));
                windowSeconds = Long.parseLong(m.group(2));
            }
        }
    }

    /** Judges the run: an anomaly when Redis's bucket admitted more than it can hold plus its refill. */
    synchronized void judge(RunChecks checks) {
        if (answers.isEmpty()) {
            return;
        }
        answers.sort(Comparator.comparingLong(Answer::startMillis));
        long allowedGlobal = 0;
        long outages = 0;
        boolean inOutage = false;
        Map<String, Long> allowedByMode = new TreeMap<>();
        for (Answer a : answers) {
            boolean global = a.mode().equals("global");
            if (!global && !inOutage) {
                outages++;
            }
            inOutage = !global;
            if (a.allowed()) {
                allowedByMode.merge(a.mode(), 1L, Long::sum);
                allowedGlobal += global ? 1 : 0;
            }
        }
        checks.count("ratelimit.hot.allowed", allowedGlobal);
        if (capacity < 0 || windowSeconds <= 1) {
            checks.note("rate limit bound not checked: no RateLimit-Policy header with q and w > 1 in the answers");
            return;
        }
        long first = answers.getFirst().startMillis();
        long last = answers.stream().mapToLong(Answer::endMillis).max().orElse(first);
        double seconds = (last - first) / 1000.0;
        double refillAbove = capacity / (double) (windowSeconds - 1);
        long bound = (long) Math.floor(capacity * (1 + outages) + refillAbove * seconds);
        checks.count("ratelimit.hot.bound", bound);
        if (outages > 0) {
            checks.note("rate limiter left its global mode " + outages + " time(s) (admitted by mode " + allowedByMode
                    + "): only the global admissions are held to the bound, plus one capacity per outage");
        }
        if (allowedGlobal > bound) {
            checks.anomaly("ratelimit.over-admitted", allowedGlobal + " admitted in global mode on the hot key in " + seconds
                    + " s; the policy (q=" + capacity + ", w=" + windowSeconds + ") admits at most " + bound);
        }
    }
}
