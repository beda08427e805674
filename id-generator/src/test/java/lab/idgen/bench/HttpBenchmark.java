package lab.idgen.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.cluster.LocalCluster;

/**
 * The HTTP benchmark of one node: {@code POST /ids} (one ID per request) against the same
 * server's trivial {@code POST /internal/noop}, in alternating rounds of the same run, then
 * batches of 1 000. It starts ZooKeeper and one node ({@code idgen-1}, from
 * {@code target/id-generator.jar}, with the heap and JVM flags the local cluster gives it) through
 * the launcher's {@link LocalCluster}, and drives it with {@code wrk} when installed ({@code apt-get install wrk}), else with a JDK
 * HttpClient driver on virtual threads. Run with {@code scripts/idgen-bench http}; it prints
 * figures and never fails on them (numbers on shared machines are for reading, not asserting).
 *
 * <p>System properties: {@code bench.seconds} (per round, default 8), {@code bench.rounds}
 * (default 5), {@code bench.connections} (default 32), {@code bench.driver} ({@code wrk} or
 * {@code java}).
 */
public final class HttpBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 8);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache")).setLevel(ch.qos.logback.classic.Level.WARN);
        boolean wrk = !"java".equals(System.getProperty("bench.driver")) && onPath("wrk");
        Path work = Files.createDirectories(Path.of("target", "bench"));
        try (LocalCluster cluster = LocalCluster.builder().service("id-generator").nodes("idgen-1")
                .env("idgen-1", "LOGGING_LEVEL_LAB_PLATFORM_PROBLEM", "ERROR")
                .dataRoot(Files.createTempDirectory(work.toAbsolutePath(), "cluster-"))
                .start()) {
            URI node = cluster.url("idgen-1");
            // Every request carries the cluster secret: /internal/noop requires it, /ids ignores it.
            String secretHeader = "X-Lab-Cluster-Secret";
            Driver driver = wrk ? new WrkDriver(work, secretHeader, cluster.clusterSecret())
                    : new JavaDriver(secretHeader, cluster.clusterSecret());
            System.out.printf(Locale.ROOT, "driver: %s, %d connections, %d s per round, %d rounds, %d cores%n",
                    wrk ? "wrk" : "JDK HttpClient", CONNECTIONS, SECONDS, ROUNDS, Runtime.getRuntime().availableProcessors());
            URI noop = node.resolve("/internal/noop");
            URI single = node.resolve("/ids?count=1");
            URI batch = node.resolve("/ids?count=1000");
            System.out.println("warming up…");
            driver.run(noop, Math.max(3, SECONDS / 2));
            driver.run(single, Math.max(3, SECONDS / 2));
            driver.run(batch, Math.max(3, SECONDS / 2));

            double noopTotal = 0;
            double singleTotal = 0;
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                double n = driver.run(noop, SECONDS);
                double s = driver.run(single, SECONDS);
                noopTotal += n;
                singleTotal += s;
                ratios.add(s / n);
                System.out.printf(Locale.ROOT, "round %d: noop %,.0f req/s, POST /ids?count=1 %,.0f req/s (%.1f %%)%n",
                        round, n, s, 100 * s / n);
            }
            double batchRate = driver.run(batch, SECONDS);
            System.out.println();
            System.out.printf(Locale.ROOT, "trivial endpoint (POST /internal/noop):   %,12.0f req/s%n", noopTotal / ROUNDS);
            ratios.sort(null);
            System.out.printf(Locale.ROOT, "single ID (POST /ids?count=1):            %,12.0f req/s  = %.1f %% of the trivial endpoint"
                    + " (median of the rounds' ratios %.1f %%)%n", singleTotal / ROUNDS, 100 * singleTotal / noopTotal,
                    100 * ratios.get(ratios.size() / 2));
            System.out.printf(Locale.ROOT, "batches (POST /ids?count=1000):           %,12.0f req/s  = %,.0f IDs/s%n", batchRate, batchRate * 1000);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    interface Driver {
        /** Requests per second of 2xx answers; fails when any answer was not 2xx. */
        double run(URI uri, int seconds) throws Exception;
    }

    /** wrk: one thread, keep-alive connections, POST. */
    static final class WrkDriver implements Driver {
        private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
        private final Path script;
        private final String header;

        WrkDriver(Path work, String headerName, String headerValue) throws IOException {
            script = work.resolve("post.lua").toAbsolutePath();
            Files.writeString(script, "wrk.method = \"POST\"\n");
            header = headerName + ": " + headerValue;
        }

        @Override
        public double run(URI uri, int seconds) throws Exception {
            Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + CONNECTIONS, "-d" + seconds + "s", "-s", script.toString(),
                    "-H", header, uri.toString())
                    .redirectErrorStream(true).start();
            String out = new String(wrk.getInputStream().readAllBytes());
            wrk.waitFor();
            Matcher errors = NON_2XX.matcher(out);
            if (errors.find()) {
                throw new IllegalStateException(errors.group() + " from " + uri + ":\n" + out);
            }
            Matcher rate = RATE.matcher(out);
            if (!rate.find()) {
                throw new IllegalStateException("unexpected wrk output:\n" + out);
            }
            return Double.parseDouble(rate.group(1));
        }
    }

    /** A closed-loop driver: CONNECTIONS virtual threads, each sending its next request when the last answered. */
    static final class JavaDriver implements Driver {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String headerName;
        private final String headerValue;

        JavaDriver(String headerName, String headerValue) {
            this.headerName = headerName;
            this.headerValue = headerValue;
        }

        @Override
        public double run(URI uri, int seconds) throws Exception {
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            HttpRequest request = HttpRequest.newBuilder(uri).header(headerName, headerValue)
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                            (response.statusCode() / 100 == 2 ? done : failed).incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " requests to " + uri + " failed");
            }
            return done.get() / elapsed;
        }
    }

    private HttpBenchmark() {
    }
}
