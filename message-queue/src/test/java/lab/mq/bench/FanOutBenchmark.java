package lab.mq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lab.mq.support.Http;

/**
 * Deliveries per second, and per CPU second of the node, with 1 000 and 10 000 SSE subscribers of
 * one channel on one node (a real process; its CPU time is read from /proc), plus the memory an
 * idle subscriber costs (growth of the node's resident set while connecting them).
 */
public final class FanOutBenchmark {

    public static void main(String[] args) throws Exception {
        try (BenchCluster bench = new BenchCluster()) {
            run(bench, 1_000, 100, 20);
            run(bench, 10_000, 30, 10);
        }
    }

    private static void run(BenchCluster bench, int subscribers, int messages, int rate) throws Exception {
        String channel = "fan-" + subscribers;
        long rssBefore = bench.residentKib();
        AtomicInteger subscribed = new AtomicInteger();
        AtomicLong delivered = new AtomicLong();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            // Keep at most 500 connections waiting to be served, so the accept backlog never overflows.
            while (i - subscribed.get() > 500) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            Socket socket = new Socket(bench.node().getHost(), bench.node().getPort());
            sockets.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /channels/" + channel + "/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.equals("event: subscribed")) {
                            subscribed.incrementAndGet();
                        } else if (line.equals("event: message")) {
                            delivered.incrementAndGet();
                        }
                    }
                } catch (IOException closed) {
                    // the benchmark closed the socket
                }
            });
        }
        long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (subscribed.get() < subscribers && System.nanoTime() < waitUntil) {
            TimeUnit.MILLISECONDS.sleep(100); // a benchmark driver pacing its polling, not a test
        }
        long rssIdle = bench.residentKib();

        double cpuStart = bench.cpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long due = start + i * 1_000_000_000L / rate;
            while (System.nanoTime() < due) {
                java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
            }
            publishAcknowledged(bench, channel, "message " + i + " " + "x".repeat(100));
        }
        long expected = (long) subscribers * messages;
        waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (delivered.get() < expected && System.nanoTime() < waitUntil) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = bench.cpuSeconds() - cpuStart;
        System.out.printf("%n%,d subscribers (%d connected), %d messages at %d/s: %,d of %,d delivered in %.1f s%n",
                subscribers, subscribed.get(), messages, rate, delivered.get(), expected, seconds);
        System.out.printf("  deliveries/s %,.0f   node CPU %.1f s   deliveries per node CPU-second %,.0f%n",
                delivered.get() / seconds, cpu, delivered.get() / cpu);
        System.out.printf("  idle connection: %.1f KiB of the node's resident memory each (includes heap the JVM grew into)%n",
                (rssIdle - rssBefore) / (double) subscribers);
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
