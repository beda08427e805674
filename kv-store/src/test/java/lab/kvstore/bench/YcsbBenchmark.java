package lab.kvstore.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.kvstore.node.KvNodeProcess;

/**
 * YCSB workloads A (50 % reads, 50 % updates) and B (95 % reads) against three kv-store nodes
 * (N=3, R=W=2) and, in the same run, against three Apache Cassandra 5.0 nodes (RF=3, QUORUM),
 * 1 KiB records, the same thread count and the same operation counts. Prints throughput and
 * p50/p99 per store and the ratio kv-store / Cassandra. Run with kv-store/bench/run-ycsb.sh.
 *
 * <p>System properties: {@code bench.records} (10000), {@code bench.operations} (30000),
 * {@code bench.threads} (8), {@code bench.warmup.operations} (30000: workload A run once, unmeasured, on
 * each store after its load, so both are measured with their JIT-compiled code, not while C2 is
 * still compiling), {@code bench.cassandra.classpath} (file with Cassandra's classpath),
 * {@code bench.cassandra.java} (the java to run Cassandra with; the current one is tried first).
 */
public final class YcsbBenchmark {

    private static final String TABLE = "usertable";

    private YcsbBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 10_000);
        int operations = Integer.getInteger("bench.operations", 30_000);
        int threads = Integer.getInteger("bench.threads", 8);
        int warmup = Integer.getInteger("bench.warmup.operations", 30_000);
        Path work = Files.createTempDirectory("kv-ycsb-");
        System.out.printf("YCSB benchmark: %d records of 1 KiB, %d operations per workload after %d of warm-up, %d threads; logs in %s%n",
                records, operations, warmup, threads, work);
        Map<String, String> base = Map.of("recordcount", Integer.toString(records), "operationcount", Integer.toString(operations),
                "fieldcount", "1", "fieldlength", "1024", "requestdistribution", "zipfian", "table", TABLE);
        Map<String, Map<String, String>> workloads = new LinkedHashMap<>();
        workloads.put("A", with(base, "readproportion", "0.5", "updateproportion", "0.5"));
        workloads.put("B", with(base, "readproportion", "0.95", "updateproportion", "0.05"));
        // Workload A with the warm-up's operation count; null for no warm-up.
        Map<String, String> warmupWorkload = warmup > 0 ? with(workloads.get("A"), "operationcount", Integer.toString(warmup)) : null;

        List<YcsbRun.Result> kv = runKvStore(workloads, warmupWorkload, threads, work);
        kv.forEach(r -> System.out.printf("%s: %.0f ops/s%n", r.label(), r.throughput()));
        List<YcsbRun.Result> cassandra = new ArrayList<>();
        String cassandraBlocked = null;
        try {
            cassandra = runCassandra(workloads, warmupWorkload, threads, work);
        } catch (Exception blocked) {
            // Still print our figures: a peer that cannot run is a reported result, not a crash.
            cassandraBlocked = blocked.toString();
        }

        System.out.println();
        System.out.println("| store | workload | throughput (ops/s) | read p50 / p99 (ms) | update p50 / p99 (ms) | errors |");
        System.out.println("|---|---|---|---|---|---|");
        for (YcsbRun.Result r : kv) {
            row(r);
        }
        for (YcsbRun.Result r : cassandra) {
            row(r);
        }
        if (!cassandra.isEmpty()) {
            System.out.println();
            for (int i = 0; i < kv.size(); i++) {
                YcsbRun.Result ours = kv.get(i);
                YcsbRun.Result theirs = cassandra.get(i);
                System.out.printf("%s: kv-store/Cassandra throughput ratio %.2f, read p99 ratio %.2f, update p99 ratio %.2f%n",
                        ours.label(), ours.throughput() / theirs.throughput(),
                        ours.micros("READ", "99th") / theirs.micros("READ", "99th"),
                        ours.micros("UPDATE", "99th") / theirs.micros("UPDATE", "99th"));
            }
        } else {
            System.out.println();
            System.out.println("Cassandra: BLOCKED: " + cassandraBlocked);
        }
    }

    private static List<YcsbRun.Result> runKvStore(Map<String, Map<String, String>> workloads, Map<String, String> warmupWorkload,
                                                  int threads, Path work)
            throws Exception {
        List<KvNodeProcess> nodes = new ArrayList<>();
        List<YcsbRun.Result> results = new ArrayList<>();
        try {
            int[] ports = {KvNodeProcess.freePort(), KvNodeProcess.freePort(), KvNodeProcess.freePort()};
            StringBuilder seeds = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                seeds.append(i == 0 ? "" : ",").append("kv-").append(i + 1).append("=http://127.0.0.1:").append(ports[i]);
            }
            for (int i = 0; i < 3; i++) {
                KvNodeProcess node = new KvNodeProcess("kv-" + (i + 1), ports[i], work.resolve("kv-" + (i + 1)),
                        Map.of("KV_SEEDS", seeds.toString(), "ADMIN_TOKEN", "bench-admin-token-0123456789",
                                "CLUSTER_SECRET", "bench-cluster-secret-0123456789")).start(384);
                nodes.add(node);
                node.awaitReady(Duration.ofSeconds(120));
            }
            String urls = String.join(",", nodes.stream().map(KvNodeProcess::baseUrl).toList());
            Map<String, String> db = Map.of("kv.urls", urls, "kv.r", "2", "kv.w", "2");
            String client = KvStoreYcsbClient.class.getName();
            YcsbRun.run("kv-store load", client, true, workloads.get("A"), threads, db, work);
            if (warmupWorkload != null) {
                YcsbRun.run("kv-store warm-up", client, false, warmupWorkload, threads, db, work);
            }
            for (var workload : workloads.entrySet()) {
                results.add(YcsbRun.run("kv-store " + workload.getKey(), client, false, workload.getValue(), threads, db, work));
            }
            printProtocolCost(nodes.getFirst());
            return results;
        } finally {
            for (KvNodeProcess node : nodes) {
                node.close();
            }
        }
    }

    /**
     * The inter-node protocol's cost as the coordinator sees it: the mean latency of a replica
     * read on another node (HTTP round trip, codec, the remote read) minus the mean local read.
     */
    private static void printProtocolCost(KvNodeProcess node) throws IOException, InterruptedException {
        String metrics;
        try (HttpClient http = HttpClient.newHttpClient()) {
            metrics = http.send(HttpRequest.newBuilder(node.uri("/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        Map<String, double[]> byPeer = new LinkedHashMap<>();
        Pattern line = Pattern.compile("kv_replica_latency_seconds_(sum|count)\\{[^}]*outcome=\"ok\",peer=\"([^\"]+)\",type=\"(get|put)\"\\} ([0-9.E+-]+)");
        for (String text : metrics.split("\n")) {
            Matcher m = line.matcher(text);
            if (m.find()) {
                double[] sumCount = byPeer.computeIfAbsent(m.group(2) + " " + m.group(3), k -> new double[2]);
                sumCount[m.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(m.group(4));
            }
        }
        System.out.println("Replica call latency seen by kv-1's coordinator (mean over the whole run):");
        byPeer.forEach((peer, sc) -> System.out.printf("  %-10s %8.3f ms over %.0f calls%n", peer, 1000 * sc[0] / sc[1], sc[1]));
    }

    private static List<YcsbRun.Result> runCassandra(Map<String, Map<String, String>> workloads, Map<String, String> warmupWorkload,
                                                    int threads, Path work)
            throws Exception {
        Path classpathFile = Path.of(System.getProperty("bench.cassandra.classpath", "kv-store/target/cassandra.classpath"));
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException("no Cassandra classpath at " + classpathFile + " (run kv-store/bench/run-ycsb.sh)");
        }
        String classpath = Files.readString(classpathFile).strip();
        Path current = Path.of(System.getProperty("java.home"), "bin", "java");
        String onCurrent;
        try (CassandraNodes probe = CassandraNodes.start(current, classpath, 1, work.resolve("probe"), Duration.ofSeconds(90))) {
            onCurrent = null;
        } catch (IllegalStateException e) {
            onCurrent = e.getMessage();
            System.out.println("Cassandra on Java " + Runtime.version().feature() + ": " + onCurrent);
        }
        Path java = onCurrent == null ? current : Path.of(System.getProperty("bench.cassandra.java",
                "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("Cassandra cannot run on Java " + Runtime.version().feature() + " (" + onCurrent
                    + ") and no other JDK was given (-Dbench.cassandra.java=/path/to/jdk17/bin/java)");
        }
        System.out.println("Cassandra runs on " + java);
        List<YcsbRun.Result> results = new ArrayList<>();
        try (CassandraNodes nodes = CassandraNodes.start(java, classpath, 3, work, Duration.ofSeconds(180))) {
            createSchema(nodes.contactPoints());
            Map<String, String> db = Map.of("cassandra.hosts", String.join(",", nodes.contactPoints()));
            String client = CassandraYcsbClient.class.getName();
            YcsbRun.run("cassandra load", client, true, workloads.get("A"), threads, db, work);
            if (warmupWorkload != null) {
                YcsbRun.run("cassandra warm-up", client, false, warmupWorkload, threads, db, work);
            }
            for (var workload : workloads.entrySet()) {
                results.add(YcsbRun.run("cassandra " + workload.getKey(), client, false, workload.getValue(), threads, db, work));
            }
        }
        return results;
    }

    private static void createSchema(List<String> contactPoints) {
        var builder = CqlSession.builder().withLocalDatacenter("datacenter1");
        for (String point : contactPoints) {
            String[] parts = point.split(":");
            builder.addContactPoint(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])));
        }
        try (CqlSession session = builder.build()) {
            // Schema changes wait for agreement among the three nodes: far beyond the driver's 2 s default here.
            session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS ycsb WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': 3}").setTimeout(Duration.ofSeconds(120)));
            session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS ycsb." + TABLE
                    + " (y_id text PRIMARY KEY, record blob)").setTimeout(Duration.ofSeconds(120)));
        }
    }

    private static void row(YcsbRun.Result r) {
        System.out.printf("| %s | %s | %.0f | %.2f / %.2f | %.2f / %.2f | %.0f |%n",
                r.label().split(" ")[0], r.label().split(" ")[1], r.throughput(),
                r.micros("READ", "50th") / 1000, r.micros("READ", "99th") / 1000,
                r.micros("UPDATE", "50th") / 1000, r.micros("UPDATE", "99th") / 1000, r.errors());
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> map = new LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

}
