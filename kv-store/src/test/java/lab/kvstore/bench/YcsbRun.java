package lab.kvstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs YCSB's own Client in a separate JVM (it calls System.exit) and reads its summary lines. */
final class YcsbRun {

    /** YCSB's summary: "[READ], 99thPercentileLatency(us), 1234" → key "READ 99thPercentileLatency(us)". */
    record Result(String label, Map<String, Double> figures) {

        double throughput() {
            return figures.getOrDefault("OVERALL Throughput(ops/sec)", 0.0);
        }

        double micros(String operation, String percentile) {
            return figures.getOrDefault(operation + " " + percentile + "PercentileLatency(us)", Double.NaN);
        }

        double errors() {
            return figures.entrySet().stream()
                    .filter(e -> e.getKey().contains("Return=ERROR") || e.getKey().endsWith("-FAILED Operations"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }
    }

    private YcsbRun() {
    }

    static Result run(String label, String dbClass, boolean load, Map<String, String> workload, int threads,
                      Map<String, String> dbProperties, Path logDir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "site.ycsb.Client",
                load ? "-load" : "-t", "-db", dbClass, "-threads", Integer.toString(threads), "-s",
                "-p", "workload=site.ycsb.workloads.CoreWorkload",
                "-p", "measurementtype=hdrhistogram",
                "-p", "hdrhistogram.percentiles=50,99",
                // A cold JVM's first requests may miss a deadline; YCSB would abort the load on the first one.
                "-p", "core_workload_insertion_retry_limit=5",
                "-p", "core_workload_insertion_retry_interval=1"));
        Map<String, String> all = new LinkedHashMap<>(workload);
        all.putAll(dbProperties);
        all.forEach((k, v) -> command.addAll(List.of("-p", k + "=" + v)));
        Path out = logDir.resolve(label.replaceAll("[^a-zA-Z0-9-]", "_") + ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(label + ": YCSB did not finish in 30 minutes; see " + out);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            String[] parts = line.split(", ");
            if (parts.length == 3 && parts[0].startsWith("[")) {
                try {
                    figures.put(parts[0].substring(1, parts[0].length() - 1) + " " + parts[1], Double.parseDouble(parts[2]));
                } catch (NumberFormatException ignored) {
                    // Not a figure (YCSB prints some text lines in the same shape).
                }
            }
        }
        if (process.exitValue() != 0 || !figures.containsKey("OVERALL Throughput(ops/sec)")) {
            throw new IllegalStateException(label + ": YCSB failed (exit " + process.exitValue() + "); see " + out);
        }
        return new Result(label, figures);
    }
}
