package lab.mq.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** A WebSocket client on {@code /channels/ws} that keeps every frame, and the close code and reason if the server closed. */
public final class WsClient implements AutoCloseable {

    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final WebSocket socket;
    private volatile Integer closeCode;
    private volatile String closeReason;

    public WsClient(URI node) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + node.getHost() + ":" + node.getPort() + "/channels/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(Http.JSON.readTree(partial.toString()));
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closeReason = reason;
                        closeCode = statusCode;
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    public void send(String frame) throws Exception {
        socket.sendText(frame, true).get(5, TimeUnit.SECONDS);
    }

    public List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    public long count(String type) {
        return frames.stream().filter(f -> f.get("type").asString().equals(type)).count();
    }

    /** Sequence numbers of the message frames of one channel, in arrival order. */
    public List<Long> seqs(String channel) {
        return frames.stream().filter(f -> f.get("type").asString().equals("message"))
                .map(f -> f.get("message")).filter(m -> m.get("channel").asString().equals(channel))
                .map(m -> m.get("seq").asLong()).toList();
    }

    /** The server's close code, or null while open. */
    public Integer closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
