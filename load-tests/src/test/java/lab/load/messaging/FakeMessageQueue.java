package lab.load.messaging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the message queue's HTTP API (issue 9), enough to drive the messaging
 * simulation with real Gatling: publishes with per-channel consecutive sequence numbers and
 * Idempotency-Key replays, SSE streams that announce {@code subscribed} with {@code nextSeq} and
 * then push every message. {@link #dropFromStreams} makes it lose one message on its way to
 * subscribers, to show the simulation notices.
 */
final class FakeMessageQueue implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final Map<String, String> byKey = new ConcurrentHashMap<>();
    private final Map<String, List<BlockingQueue<String>>> streams = new ConcurrentHashMap<>();
    private long nextId = 1_000;
    private volatile long dropFromStreams = -1;

    FakeMessageQueue() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/channels/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void dropFromStreams(long seq) {
        dropFromStreams = seq;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().split("/");
        String channel = path[2];
        if (exchange.getRequestMethod().equals("POST") && path[3].equals("messages")) {
            publish(exchange, channel);
        } else if (exchange.getRequestMethod().equals("GET") && path[3].equals("stream")) {
            stream(exchange, channel);
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        }
    }

    private void publish(HttpExchange exchange, String channel) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String replay = byKey.get(key);
        if (replay != null) {
            exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
            answer(exchange, 200, replay);
            return;
        }
        String message;
        synchronized (this) {
            long seq = lastSeq.merge(channel, 1L, Long::sum);
            long now = System.currentTimeMillis();
            message = "{\"id\":\"" + nextId++ + "\",\"channel\":\"" + channel + "\",\"seq\":" + seq + ",\"sender\":\"s\",\"text\":\"t\","
                    + "\"publishedAtMillis\":" + now + ",\"sequencedAtMillis\":" + now + "}";
            if (seq != dropFromStreams) {
                streams.getOrDefault(channel, List.of()).forEach(q -> q.add("event: message\nid: " + seq + "\ndata: " + message + "\n\n"));
            }
        }
        byKey.put(key, message);
        answer(exchange, 201, message);
    }

    private void stream(HttpExchange exchange, String channel) throws IOException {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        String subscribed;
        synchronized (this) {
            streams.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(events);
            subscribed = "event: subscribed\ndata: {\"channel\":\"" + channel + "\",\"nextSeq\":" + (lastSeq.getOrDefault(channel, 0L) + 1) + "}\n\n";
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            String event = subscribed;
            while (true) {
                out.write((event == null ? "event: heartbeat\ndata: {}\n\n" : event).getBytes(StandardCharsets.UTF_8));
                out.flush();
                event = events.poll(1, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            // the subscriber left (or the test ended)
        } finally {
            streams.get(channel).remove(events);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
