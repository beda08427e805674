package lab.cluster.observability;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The compose load profile's check ({@code scripts/compose-smoke --load}): with the {@code load}
 * service running, every dashboard panel query returns data from the compose cluster's
 * Prometheus, every metric name a panel or alert rule reads exists there, and every rule is
 * loaded and evaluates cleanly. The same expressions and criteria as {@code DashboardQueriesIT},
 * read by {@link ObservabilityFiles}, asked of the Prometheus compose publishes on the host.
 *
 * <p>{@code java -cp ... lab.cluster.observability.ComposeDashboardsCheck PROMETHEUS_URL [DEADLINE_SECONDS]}:
 * polls until everything holds or the deadline (default 180 s) passes; exit status 0 only when it held.
 */
public final class ComposeDashboardsCheck {

    private ComposeDashboardsCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ComposeDashboardsCheck PROMETHEUS_URL [DEADLINE_SECONDS]");
            System.exit(2);
        }
        LivePrometheus prometheus = new LivePrometheus(URI.create(args[0]));
        Duration deadline = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 180);
        ObservabilityFiles files = ObservabilityFiles.ofRepository();
        List<ObservabilityFiles.Query> panels = files.dashboardQueries();
        List<ObservabilityFiles.Rule> rules = files.rules();
        System.out.println("dashboards: " + panels.size() + " panel queries, " + rules.size() + " alert rules, against " + args[0]);

        Instant start = Instant.now();
        List<String> failures = failures(prometheus, panels, rules);
        while (!failures.isEmpty() && Instant.now().isBefore(start.plus(deadline))) {
            System.out.println("  " + elapsedSeconds(start) + " s: " + failures.size() + " not yet"
                    + (failures.size() <= 3 ? ": " + String.join("; ", failures) : ""));
            Thread.sleep(5000);   // a poll interval (one scrape): the loop re-checks the condition
            failures = failures(prometheus, panels, rules);
        }
        if (!failures.isEmpty()) {
            System.out.println("FAILED after " + elapsedSeconds(start) + " s:");
            failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.out.println("ok    every panel query returns data, every metric name exists, every rule evaluates ("
                + elapsedSeconds(start) + " s after the check started)");
    }

    private static List<String> failures(LivePrometheus prometheus, List<ObservabilityFiles.Query> panels,
                                         List<ObservabilityFiles.Rule> rules) {
        List<String> failures = new ArrayList<>();
        try {
            failures.addAll(prometheus.queriesWithoutData(panels));
            prometheus.missingMetricNames(panels, rules).forEach(n -> failures.add("no such metric: " + n));
            failures.addAll(prometheus.unhealthyRules(rules));
        } catch (Exception e) {
            failures.add("Prometheus did not answer: " + e);
        }
        return failures;
    }

    private static long elapsedSeconds(Instant start) {
        return Duration.between(start, Instant.now()).toSeconds();
    }
}
