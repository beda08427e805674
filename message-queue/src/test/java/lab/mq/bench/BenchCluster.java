package lab.mq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import lab.cluster.LocalCluster;
import lab.mq.support.FakeIdGenerator;

/** One message-queue node as a real process on one broker, and what the benchmarks read off it. */
final class BenchCluster implements AutoCloseable {

    final FakeIdGenerator idgen;
    final LocalCluster cluster;

    BenchCluster() throws IOException {
        idgen = new FakeIdGenerator();
        cluster = LocalCluster.builder().service("message-queue").nodes("mq-1")
                .env("mq-1", "MQ_IDGEN_URLS", idgen.peers())
                .env("mq-1", "MQ_PARTITIONS", "4")
                .readyTimeout(Duration.ofMinutes(4))
                .start();
    }

    java.net.URI node() {
        return cluster.url("mq-1");
    }

    long pid() {
        return cluster.node("mq-1").pid().orElseThrow();
    }

    /** CPU seconds (user + system) the node's process has used so far. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in clock ticks
    }

    /** Resident memory of the node's process, in KiB. */
    long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (n=%d)", at(sorted, 0.50), at(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    static double at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    @Override
    public void close() {
        cluster.close();
        idgen.close();
    }
}
