package lab.load.run;

import io.gatling.app.Gatling$;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lab.load.LoadSettings;
import lab.load.check.RunChecks;

/**
 * {@code ./cluster load SCENARIO}: finds the targets, runs the scenario's Gatling simulation in
 * this JVM, then prints a summary (requests, errors by type, p50/p95/p99, what the correctness
 * checks found) and the path of Gatling's HTML report. Exits 1 when a check found an anomaly.
 */
public final class LoadRunner {

    static final int OK = 0;
    static final int ANOMALIES = 1;
    static final int USAGE = 2;
    static final int NOTHING_TO_LOAD = 3;

    private final PrintStream out;
    private final PrintStream err;

    LoadRunner(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new LoadRunner(System.out, System.err).run(args));
    }

    int run(String... args) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            out.print(RunOptions.USAGE);
            return args.length == 0 ? USAGE : OK;
        }
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (RunOptions.UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(RunOptions.USAGE);
            return USAGE;
        }
        Optional<ClusterStatus> status = options.clusterStatus().map(LoadRunner::readStatus);
        Map<String, List<String>> urls = new LinkedHashMap<>(status.map(ClusterStatus::serviceUrls).orElse(Map.of()));
        urls.putAll(options.urls());
        // The mixed scenarios go through the gateway when it runs; per-service scenarios measure the nodes.
        Optional<String> target = options.target().or(() -> isMixed(options.scenario())
                ? status.flatMap(ClusterStatus::gatewayUrl) : Optional.empty());
        List<String> missing = options.scenario().services().stream().filter(s -> target.isEmpty() && !urls.containsKey(s)).toList();
        if (target.isEmpty() && (isMixed(options.scenario()) ? urls.isEmpty() : !missing.isEmpty())) {
            err.println("error: nothing to load: no running node of " + (missing.isEmpty() ? "any service" : String.join(", ", missing))
                    + (status.isPresent() ? " in ./cluster status (is the cluster up? ./cluster up starts it)" : "; give --target or --url"));
            return NOTHING_TO_LOAD;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path results = options.resultsDir().toAbsolutePath();
        Path checksFile = results.resolve(options.scenario().cliName + "-" + stamp + "-checks.json");
        // Only this run's settings: an earlier run in the same JVM (tests) must not leak into it.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(LoadSettings.PREFIX)).forEach(System::clearProperty);
        options.systemProperties(urls, target, checksFile).forEach(System::setProperty);

        out.printf("load: %s at %s users/s for %s against %s%n", options.scenario().cliName, format(options.ratePerSecond()),
                human(options.duration()), target.map(t -> t + " (every service)").orElse(targetsOf(options.scenario(), urls)));
        long startedAt = System.currentTimeMillis();
        int gatlingStatus = Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", options.scenario().simulationClass,
                "--results-folder", results.toString(),
                "--run-description", options.scenario().cliName + " at " + format(options.ratePerSecond()) + "/s"});
        Optional<Path> runDir = newestRunDirectory(results, startedAt);
        if (runDir.isEmpty()) {
            err.println("error: Gatling wrote no report under " + results + " (exit status " + gatlingStatus + ")");
            return ANOMALIES;
        }
        GatlingStats stats = GatlingStats.read(runDir.get());
        RunChecks.Report report = Files.exists(checksFile) ? RunChecks.Report.read(checksFile) : null;
        new Summary(options, stats, report).print(out);
        out.println("report: " + runDir.get().resolve("index.html").toUri());
        out.println("checks: " + checksFile);
        if (report == null) {
            err.println("error: the simulation wrote no check report (" + checksFile + "): correctness unknown");
            return ANOMALIES;
        }
        if (gatlingStatus != 0) {
            err.println("error: Gatling exited with status " + gatlingStatus);
            return ANOMALIES;
        }
        return report.anomalyCount() == 0 ? OK : ANOMALIES;
    }

    private static String targetsOf(Scenario scenario, Map<String, List<String>> urls) {
        Map<String, List<String>> used = new LinkedHashMap<>(urls);
        if (!isMixed(scenario)) {
            used.keySet().retainAll(scenario.services());
        }
        return used.toString();
    }

    private static boolean isMixed(Scenario scenario) {
        return scenario == Scenario.MIXED || scenario == Scenario.BACKGROUND;
    }

    private static ClusterStatus readStatus(Path file) {
        try {
            return ClusterStatus.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster status " + file, e);
        }
    }

    private static Optional<Path> newestRunDirectory(Path results, long notBeforeMillis) {
        try (Stream<Path> dirs = Files.list(results)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> Files.exists(d.resolve("simulation.log")))
                    .filter(d -> d.toFile().lastModified() >= notBeforeMillis - 1000)
                    .max(Comparator.comparingLong(d -> d.toFile().lastModified()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String format(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    static String human(java.time.Duration d) {
        return d.toDays() > 365 ? "until stopped" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
