package lab.mq.bench;

import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lab.mq.support.Http;
import lab.mq.support.NodeMemory;

/**
 * Deliveries per second, and per CPU second of the node, with 1 000 and 10 000 SSE subscribers of
 * one channel on one node (a real process; its CPU time is read from /proc), plus the memory an
 * idle subscriber costs: the growth of the node's heap after a full GC, and of its resident set,
 * while the subscribers connect, divided by their number.
 *
 * <p>{@code -Dbench.subscribers=1000,10000} chooses the runs, {@code -Dbench.heapMb=} the node's
 * heap (the topology's otherwise), {@code -Dbench.histogram=true} prints the node's largest
 * classes with the subscribers connected, {@code -Dbench.transport=websocket} subscribes over
 * WebSocket instead of SSE.
 */
public final class FanOutBenchmark {

    private static final boolean WEBSOCKET = System.getProperty("bench.transport", "sse").equals("websocket");

    public static void main(String[] args) throws Exception {
        int[] runs = Arrays.stream(System.getProperty("bench.subscribers", "1000,10000").split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        try (BenchCluster bench = new BenchCluster()) {
            for (int subscribers : runs) {
                run(bench, subscribers, subscribers >= 10_000 ? 30 : 100, subscribers >= 10_000 ? 10 : 20);
            }
        }
    }

    private static void run(BenchCluster bench, int subscribers, int messages, int rate) throws Exception {
        String channel = "fan-" + subscribers;
        NodeMemory memory = bench.memory();
        System.out.printf("%n%,d %s subscribers: load average %s at the start%n", subscribers, WEBSOCKET ? "WebSocket" : "SSE",
                BenchCluster.loadAverage());
        long heapBefore = memory.heapAfterGcKib();
        long rssBefore = memory.residentKib();
        BenchSubscriber.Counts counts = new BenchSubscriber.Counts();
        AtomicInteger subscribed = counts.subscribed();
        AtomicInteger refused = counts.refused();
        AtomicLong delivered = counts.delivered();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            // Keep at most 500 connections waiting to be served, so the accept backlog never overflows.
            while (i - subscribed.get() - refused.get() > 500) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            Socket socket = new Socket(bench.node().getHost(), bench.node().getPort());
            sockets.add(socket);
            if (WEBSOCKET) {
                BenchSubscriber.webSocket(socket, channel, counts);
            } else {
                BenchSubscriber.sse(socket, channel, counts);
            }
        }
        long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (subscribed.get() + refused.get() < subscribers && System.nanoTime() < waitUntil) {
            TimeUnit.MILLISECONDS.sleep(100); // a benchmark driver pacing its polling, not a test
        }
        int connected = subscribed.get();
        long heapIdle = memory.heapAfterGcKib();
        long rssIdle = memory.residentKib();
        System.out.printf("  connected %,d, refused by the connection limit %,d%n", connected, refused.get());
        System.out.printf("  idle connection: %.1f KiB of heap after GC each (%,d -> %,d KiB), %.1f KiB of resident memory each (%,d -> %,d KiB)%n",
                (heapIdle - heapBefore) / (double) connected, heapBefore, heapIdle,
                (rssIdle - rssBefore) / (double) connected, rssBefore, rssIdle);
        if (Boolean.getBoolean("bench.histogram")) {
            System.out.println(memory.classHistogram(25));
        }

        double cpuStart = bench.cpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long due = start + i * 1_000_000_000L / rate;
            while (System.nanoTime() < due) {
                java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
            }
            publishAcknowledged(bench, channel, "message " + i + " " + "x".repeat(100));
        }
        long expected = (long) connected * messages;
        waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (delivered.get() < expected && System.nanoTime() < waitUntil) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = bench.cpuSeconds() - cpuStart;
        System.out.printf("  %d messages at %d/s: %,d of %,d delivered in %.1f s; load average %s at the end%n",
                messages, rate, delivered.get(), expected, seconds, BenchCluster.loadAverage());
        System.out.printf("  deliveries/s %,.0f   node CPU %.1f s   deliveries per node CPU-second %,.0f%n",
                delivered.get() / seconds, cpu, delivered.get() / cpu);
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Retries (same idempotency key) until the node acknowledges, so every message counts once. */
    private static void publishAcknowledged(BenchCluster bench, String channel, String text) {
        String key = "bench-" + channel + "-" + text.hashCode() + "-" + text.length() + "-" + System.nanoTime();
        for (int attempt = 0; attempt < 20; attempt++) {
            int status = Http.publish(bench.node(), channel, "bench", text, key).status();
            if (status == 200 || status == 201) {
                return;
            }
        }
        throw new IllegalStateException("the node did not acknowledge a publish in 20 attempts");
    }
}
