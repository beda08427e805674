package lab.load.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.load.LoadSettings;
import lab.load.Targets;

/** The command line of the runner, checked before anything runs. */
record RunOptions(Scenario scenario, double ratePerSecond, Duration duration, Optional<String> target,
                  Map<String, List<String>> urls, Map<String, String> settings, Path resultsDir,
                  Optional<Path> clusterStatus) {

    static final String USAGE = """
            usage: ./cluster load SCENARIO [options]        (or: java -jar load-tests/target/load-tests.jar SCENARIO [options])
              SCENARIO             %s
              --rate N             new virtual users per second, open model (default per scenario: ids 100, kv 50, …, background 5)
              --duration D         how long to inject: 60s, 5m, 1h (default 60s; background: until stopped)
              --target URL         send every request to one entry point, e.g. the gateway http://127.0.0.1:8080
              --url SERVICE=URLS   a service's nodes, comma-separated (SERVICE: ids, ratelimit, kv, payments, messaging);
                                   ./cluster load fills these from ./cluster status
              --set KEY=VALUE      a scenario setting, e.g. --set kv.r=1 --set kv.w=3 --set mix=ids:1,kv:3 (docs/load-testing.md)
              --results DIR        where Gatling writes its report (default load-tests/target/gatling)
              --cluster-status F   the JSON of ./cluster status --json, to find the nodes and the gateway
            exit status: 0 no anomaly, 1 anomalies or a failed run, 2 usage error, 3 nothing to load
            """.formatted(Scenario.names());

    static RunOptions parse(String... args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            throw new UsageException("name a scenario first");
        }
        Scenario scenario = Scenario.byName(args[0]).orElseThrow(() -> new UsageException(
                "unknown scenario '" + args[0] + "'; scenarios: " + Scenario.names()));
        double rate = scenario.defaultRatePerSecond;
        Duration duration = scenario == Scenario.BACKGROUND ? Duration.ofDays(3650) : Duration.ofSeconds(60);
        Optional<String> target = Optional.empty();
        Map<String, List<String>> urls = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        Path results = Path.of("load-tests", "target", "gatling");
        Optional<Path> status = Optional.empty();
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new UsageException(flag + " needs a value");
            }
            i++;
            switch (flag) {
                case "--rate" -> rate = positive(value);
                case "--duration" -> duration = duration(value);
                case "--target" -> target = Optional.of(value);
                case "--url" -> {
                    String[] kv = pair(flag, value);
                    if (Targets.Service.byKey(kv[0]).isEmpty()) {
                        throw new UsageException("--url: unknown service '" + kv[0] + "' (ids, ratelimit, kv, payments, messaging)");
                    }
                    urls.put(kv[0], List.of(kv[1].split(",")));
                }
                case "--set" -> {
                    String[] kv = pair(flag, value);
                    settings.put(kv[0], kv[1]);
                }
                case "--results" -> results = Path.of(value);
                case "--cluster-status" -> status = Optional.of(Path.of(value));
                default -> throw new UsageException("unknown option '" + flag + "'");
            }
        }
        return new RunOptions(scenario, rate, duration, target, urls, settings, results, status);
    }

    /** The system properties the simulations read ({@link LoadSettings}). */
    Map<String, String> systemProperties(Map<String, List<String>> resolvedUrls, Optional<String> resolvedTarget, Path reportFile) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("rate", Double.toString(ratePerSecond));
        props.put("duration", duration.toMillis() + "ms");
        resolvedTarget.ifPresent(t -> props.put("target", t));
        resolvedUrls.forEach((service, list) -> props.put("urls." + service, String.join(",", list)));
        props.put("report.file", reportFile.toString());
        props.put("runner", "true");
        props.putAll(settings);
        Map<String, String> prefixed = new LinkedHashMap<>();
        props.forEach((k, v) -> prefixed.put(LoadSettings.PREFIX + k, v));
        return prefixed;
    }

    private static double positive(String value) {
        try {
            double rate = Double.parseDouble(value);
            if (rate > 0) {
                return rate;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--rate takes a positive number of users per second, got '" + value + "'");
    }

    private static Duration duration(String value) {
        try {
            Duration d = LoadSettings.parseDuration(value);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new UsageException("--duration takes a positive duration such as 60s, 5m or 1h, got '" + value + "'");
    }

    private static String[] pair(String flag, String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw new UsageException(flag + " takes KEY=VALUE, got '" + value + "'");
        }
        return new String[] {value.substring(0, eq), value.substring(eq + 1)};
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
