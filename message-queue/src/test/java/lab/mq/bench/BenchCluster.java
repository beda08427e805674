package lab.mq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import lab.cluster.LocalCluster;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import lab.mq.support.FakeIdGenerator;
import lab.mq.support.NodeMemory;

/** One message-queue node as a real process on one broker, and what the benchmarks read off it. */
final class BenchCluster implements AutoCloseable {

    final FakeIdGenerator idgen;
    final LocalCluster cluster;

    /** {@code -Dbench.heapMb=} gives the node another heap than the topology's (the 10 000-subscriber run needs more). */
    BenchCluster() throws IOException {
        idgen = new FakeIdGenerator();
        cluster = LocalCluster.builder().topology(withNodeHeap(Topology.load(), Integer.getInteger("bench.heapMb", 0)))
                .service("message-queue").nodes("mq-1")
                .env("mq-1", "MQ_IDGEN_URLS", idgen.peers())
                .env("mq-1", "MQ_PARTITIONS", "4")
                .readyTimeout(Duration.ofMinutes(4))
                .start();
    }

    private static Topology withNodeHeap(Topology topology, int heapMb) {
        if (heapMb <= 0) {
            return topology;
        }
        return new Topology(topology.infrastructure(), topology.services().stream()
                .map(s -> s.name().equals("message-queue") ? new ServiceSpec(s.name(), s.module(), heapMb, s.env(), s.needs(), s.nodes()) : s)
                .toList());
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

    NodeMemory memory() {
        return new NodeMemory(pid());
    }

    /** The machine's 1-minute load average, printed next to every figure. */
    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
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
