package lab.gateway.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two ways a client follows a channel, as a browser would: an SSE stream and a WebSocket.
 * Each keeps every event (SSE: the {@code data:} lines) or frame (WebSocket) it received.
 */
final class ChannelStreams {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private ChannelStreams() {
    }

    /** An EventSource on one channel: every {@code data:} payload, in arrival order. */
    static final class Sse implements AutoCloseable {
        final List<String> data = new CopyOnWriteArrayList<>();
        volatile int status;
        private volatile InputStream body;
        private final Thread reader;

        Sse(URI stream) {
            reader = Thread.ofVirtual().start(() -> read(stream));
        }

        private void read(URI stream) {
            try {
                HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                status = response.statusCode();
                body = response.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        data.add(line.substring("data:".length()).trim());
                    }
                }
            } catch (IOException closed) {
                // close() cut the stream, or the node went away: the test asserts on what arrived.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            InputStream open = body;
            if (open != null) {
                open.close();
            }
            reader.interrupt();
        }
    }

    /** A WebSocket session: every text frame received, in order. */
    static final class Ws implements AutoCloseable {
        final List<String> frames = new CopyOnWriteArrayList<>();
        private final WebSocket socket;

        Ws(URI uri) {
            socket = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence text, boolean last) {
                    partial.append(text);
                    if (last) {
                        frames.add(partial.toString());
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return CompletableFuture.completedFuture(null);
                }
            }).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        }

        void send(String text) {
            socket.sendText(text, true).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
