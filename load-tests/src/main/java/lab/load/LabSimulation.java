package lab.load;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.load.check.RunChecks;

/**
 * The base of every simulation: its settings, the run's checks, and an {@code after()} that runs
 * the end-of-run checks, prints what they found and writes it as JSON ({@code load.report.file},
 * which the runner reads back to decide the exit code).
 */
public abstract class LabSimulation extends Simulation {

    protected final LoadSettings settings = LoadSettings.fromSystemProperties();
    protected final RunChecks checks = new RunChecks();
    /** Unique per run, so keys, channels and hot rate-limit keys never mix with an earlier run's. */
    protected final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<Runnable> endChecks = new ArrayList<>();

    /** Sets the simulation up with these loads at their rates, and judges each at the end. */
    protected void run(Map<ServiceLoad, Double> loadsAndRates) {
        List<PopulationBuilder> populations = new ArrayList<>();
        loadsAndRates.forEach((load, rate) -> {
            populations.addAll(load.populations(settings, rate, settings.duration()));
            endChecks.add(load::judge);
        });
        setUp(populations);
    }

    protected void run(ServiceLoad load) {
        run(Map.of(load, settings.ratePerSecond()));
    }

    @Override
    public void after() {
        for (Runnable check : endChecks) {
            try {
                check.run();
            } catch (RuntimeException e) {
                checks.anomaly("end-check-failed", e.toString());
            }
        }
        RunChecks.Report report = checks.report();
        Path file = Path.of(LoadSettings.text("report.file").orElse("target/load-checks.json"));
        report.write(file);
        System.out.println();
        System.out.println("correctness checks: " + (report.anomalyCount() == 0 ? "no anomaly" : report.anomalyCount() + " ANOMALIES"));
        for (Map.Entry<String, RunChecks.Report.Anomaly> a : report.anomalies().entrySet()) {
            System.out.println("  " + a.getKey() + ": " + a.getValue().count() + "  e.g. " + a.getValue().examples().getFirst());
        }
        System.out.println("check report: " + file.toAbsolutePath());
        // The runner reads the report and decides the exit status itself, after Gatling wrote its
        // report. Any other launcher (the Gatling Maven plugin) learns of anomalies by the run failing.
        if (report.anomalyCount() > 0 && !Boolean.parseBoolean(LoadSettings.text("runner").orElse("false"))) {
            throw new IllegalStateException(report.anomalyCount() + " correctness anomalies: " + report.anomalies().keySet()
                    + " (details in " + file.toAbsolutePath() + ")");
        }
    }
}
