package lab.mq.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minimal EventSource: reads one SSE stream on a virtual thread and keeps every event, with the
 * time it arrived. {@link #lastEventId()} is what a browser would send as {@code Last-Event-ID}.
 */
public final class SseClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record SseEvent(String id, String type, JsonNode data, long receivedAtMillis, long receivedAtNanos) {
    }

    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile String lastEventId;
    private volatile boolean ended;
    private volatile java.io.InputStream body;

    public SseClient(URI stream, String lastEventIdHeader) {
        this.lastEventId = lastEventIdHeader;
        this.reader = Thread.ofVirtual().start(() -> read(stream, lastEventIdHeader));
    }

    private void read(URI stream, String resumeAfter) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(stream).header("Accept", "text/event-stream");
            if (resumeAfter != null) {
                request.header("Last-Event-ID", resumeAfter);
            }
            HttpResponse<java.io.InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            if (response.statusCode() != 200) {
                events.add(new SseEvent(null, "http-" + response.statusCode(), JSON.readTree(body.readAllBytes()), System.currentTimeMillis(), System.nanoTime()));
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String id = null;
            String type = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        if (id != null) {
                            lastEventId = id;
                        }
                        events.add(new SseEvent(id, type, JSON.readTree(data.toString()), System.currentTimeMillis(), System.nanoTime()));
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The stream ended (node killed, closed by the test); the events so far stay.
        } finally {
            ended = true;
        }
    }

    public List<SseEvent> events() {
        return List.copyOf(events);
    }

    /** Sequence numbers of the message events, in arrival order. */
    public List<Long> seqs() {
        return events.stream().filter(e -> e.type().equals("message")).map(e -> e.data().get("seq").asLong()).toList();
    }

    public String lastEventId() {
        return lastEventId;
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            java.io.InputStream in = body;
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        reader.interrupt();
    }
}
