package lab.load.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import lab.load.check.RunChecks;

/**
 * The few lines a user reads after a run: what was sent, how fast it was answered, what went
 * wrong by type, and whether the correctness checks found anything.
 */
record Summary(RunOptions options, GatlingStats stats, RunChecks.Report checks) {

    /** Gatling's message for a failed status check; the check report names those answers more precisely. */
    private static final String STATUS_CHECK_PREFIX = "status.find.";

    void print(PrintStream out) {
        out.println();
        out.printf("==== %s: %s users/s for %s ====%n", options.scenario().cliName, LoadRunner.format(options.ratePerSecond()),
                LoadRunner.human(options.duration()));
        out.printf("requests   %d (ok %d, failed %d), %.1f/s%n", stats.requests(), stats.ok(), stats.ko(), stats.meanRequestsPerSecond());
        out.printf("latency    p50 %d ms   p95 %d ms   p99 %d ms   max %d ms   (all requests, as in the report)%n",
                stats.p50Millis(), stats.p95Millis(), stats.p99Millis(), stats.maxMillis());
        List<Map.Entry<String, Long>> errors = errorsByType();
        out.println("errors     " + (errors.isEmpty() ? "none" : "by type:"));
        for (Map.Entry<String, Long> e : errors) {
            out.printf("  %8d  %s%n", e.getValue(), e.getKey());
        }
        if (checks == null) {
            out.println("checks     NO CHECK REPORT: correctness unknown");
            return;
        }
        if (!checks.counters().isEmpty()) {
            out.println("seen       " + String.join(", ", checks.counters().entrySet().stream()
                    .map(c -> c.getKey() + " " + c.getValue()).toList()));
        }
        checks.latenciesMillis().forEach((name, l) -> out.printf("           %s: p50 %d ms  p95 %d ms  p99 %d ms  max %d ms  (%d samples)%n",
                name, l.p50(), l.p95(), l.p99(), l.max(), l.count()));
        for (String note : checks.notes()) {
            out.println("note       " + note);
        }
        if (checks.anomalyCount() == 0) {
            out.println("anomalies  none: every correctness check held");
        } else {
            out.println("anomalies  " + checks.anomalyCount() + " — THE RUN FOUND BROKEN INVARIANTS:");
            checks.anomalies().forEach((kind, a) -> {
                out.printf("  %8d  %s%n", a.count(), kind);
                a.examples().forEach(example -> out.println("            e.g. " + example));
            });
        }
    }

    /** The check report's unexpected answers (status + problem type) and Gatling's other errors (connection refused, timeouts). */
    List<Map.Entry<String, Long>> errorsByType() {
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        if (checks != null) {
            all.addAll(checks.unexpectedAnswers().entrySet());
        }
        for (GatlingStats.Error e : stats.errors()) {
            if (checks == null || !e.message().startsWith(STATUS_CHECK_PREFIX)) {
                all.add(Map.entry(e.message(), e.count()));
            }
        }
        all.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        return all;
    }
}
