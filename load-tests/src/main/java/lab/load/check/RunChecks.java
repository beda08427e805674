package lab.load.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one run found besides Gatling's timings: correctness anomalies (anything here fails the
 * run), counters of what the checks saw (siblings, quorum failures, deliveries), unexpected HTTP
 * answers by status and problem type, latency histograms measured by the checks themselves
 * (publish→deliver) and notes on checks that could not run. Thread-safe: Gatling's threads record
 * into it while loading; the simulation's {@code after()} writes it as JSON next to the report.
 */
public final class RunChecks {

    /** Examples kept per anomaly kind: enough to start debugging, bounded whatever the run length. */
    static final int EXAMPLES_PER_KIND = 5;

    private final Map<String, AtomicLong> anomalies = new ConcurrentSkipListMap<>();
    private final Map<String, List<String>> examples = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> unexpected = new ConcurrentSkipListMap<>();
    private final Map<String, LatencyHistogram> histograms = new ConcurrentSkipListMap<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();

    /** A broken invariant (a duplicate ID, a gap, a double charge): the run fails. */
    public void anomaly(String kind, String example) {
        anomalies.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        List<String> kept = examples.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>());
        if (kept.size() < EXAMPLES_PER_KIND) {
            kept.add(example);
        }
    }

    public void count(String counter, long delta) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
    }

    public void count(String counter) {
        count(counter, 1);
    }

    /** An answer the scenario did not expect, e.g. {@code 503 /problems/quorum-not-reached}: an error, not an anomaly. */
    public void unexpected(String errorType) {
        unexpected.computeIfAbsent(errorType, k -> new AtomicLong()).incrementAndGet();
    }

    public LatencyHistogram histogram(String name) {
        return histograms.computeIfAbsent(name, n -> new LatencyHistogram());
    }

    /** A check that could not run, said out loud rather than counted as passed. */
    public void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    public long anomalyCount() {
        return anomalies.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long counter(String name) {
        AtomicLong value = counters.get(name);
        return value == null ? 0 : value.get();
    }

    public Report report() {
        Map<String, Report.Anomaly> a = new TreeMap<>();
        anomalies.forEach((k, v) -> a.put(k, new Report.Anomaly(v.get(), List.copyOf(examples.getOrDefault(k, List.of())))));
        Map<String, Long> c = new TreeMap<>();
        counters.forEach((k, v) -> c.put(k, v.get()));
        Map<String, Long> u = new TreeMap<>();
        unexpected.forEach((k, v) -> u.put(k, v.get()));
        Map<String, Report.Latency> h = new TreeMap<>();
        histograms.forEach((k, v) -> {
            if (v.count() > 0) {
                h.put(k, new Report.Latency(v.count(), v.percentile(50), v.percentile(95), v.percentile(99), v.max()));
            }
        });
        return new Report(anomalyCount(), a, c, u, h, new ArrayList<>(notes));
    }

    /** The JSON the runner reads back; also readable by people next to Gatling's report. */
    public record Report(long anomalyCount, Map<String, Anomaly> anomalies, Map<String, Long> counters,
                         Map<String, Long> unexpectedAnswers, Map<String, Latency> latenciesMillis, List<String> notes) {

        public record Anomaly(long count, List<String> examples) {
        }

        public record Latency(long count, long p50, long p95, long p99, long max) {
        }

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        public void write(Path file) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                JSON.writeValue(file.toFile(), this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the check report " + file, e);
            }
        }

        public static Report read(Path file) {
            try {
                return JSON.readValue(file.toFile(), Report.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the check report " + file, e);
            }
        }
    }
}
