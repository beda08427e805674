package lab.mq.subscribe.ws;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.mq.fanout.Connection;
import lab.mq.fanout.FanOut;
import lab.mq.fanout.ResumePoints;
import lab.mq.history.ChannelReader;
import lab.mq.message.ChannelName;
import lab.platform.problem.ProblemException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /channels/ws}: one connection, many channels. Client frames:
 * {@code {"type":"subscribe","channel":"c","afterSeq":41}} ({@code afterSeq} or {@code afterId}
 * optional: without one the subscription starts at the next message) and
 * {@code {"type":"unsubscribe","channel":"c"}}. Server frames: see {@link lab.mq.fanout.EventJson}.
 * Each connection gets a virtual thread that does all its sends, so frames never interleave. A node
 * at its connection limit closes a new WebSocket at once with 1013 (try again later) and a reason.
 */
final class ChannelsWebSocketHandler extends TextWebSocketHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final FanOut fanOut;
    private final ChannelReader reader;
    private final long writeTimeoutMillis;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    ChannelsWebSocketHandler(FanOut fanOut, ChannelReader reader, long writeTimeoutMillis) {
        this.fanOut = fanOut;
        this.reader = reader;
        this.writeTimeoutMillis = writeTimeoutMillis;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        if (session instanceof StandardWebSocketSession standard) {
            // A send blocked this long (the client reads nothing) fails, and the connection closes.
            standard.getNativeSession().getUserProperties().put(BLOCKING_SEND_TIMEOUT, writeTimeoutMillis);
        }
        Connection connection;
        try {
            connection = fanOut.connect("websocket", new WebSocketSink(session));
        } catch (ProblemException atLimit) {
            // 1013 "try again later": the client reconnects after a pause, to this node or another.
            session.close(CloseStatus.SERVICE_OVERLOAD.withReason(closeReason(atLimit.getMessage())));
            return;
        }
        connections.put(session.getId(), connection);
        Thread.ofVirtual().name("mq-ws-" + session.getId()).start(connection::run);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage frame) {
        Connection connection = connections.get(session.getId());
        if (connection == null) {
            return;
        }
        JsonNode command;
        try {
            command = JSON.readTree(frame.getPayload());
        } catch (RuntimeException e) {
            connection.problem("not JSON: " + e.getMessage(), null);
            return;
        }
        String type = text(command, "type");
        String channel = text(command, "channel");
        if (!"subscribe".equals(type) && !"unsubscribe".equals(type)) {
            connection.problem("'type' must be 'subscribe' or 'unsubscribe', got " + type, channel);
            return;
        }
        if (!ChannelName.isValid(channel)) {
            connection.problem("invalid channel name '" + channel + "': use 1 to " + ChannelName.MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit", channel);
            return;
        }
        if (type.equals("unsubscribe")) {
            connection.unsubscribe(channel);
            return;
        }
        try {
            Long afterSeq = null;
            if (command.hasNonNull("afterSeq")) {
                afterSeq = ResumePoints.parseSeq(command.get("afterSeq").asString(), "afterSeq");
            } else if (command.hasNonNull("afterId")) {
                afterSeq = ResumePoints.afterSeqOfMessage(reader, channel, command.get("afterId").asString());
            }
            connection.subscribe(channel, afterSeq);
        } catch (ProblemException e) {
            connection.problem(e.getMessage(), channel);
        }
    }

    /** A close frame's reason is at most 123 bytes of UTF-8; the details passed here are ASCII. */
    private static String closeReason(String detail) {
        return detail.length() <= 123 ? detail : detail.substring(0, 123);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Connection connection = connections.remove(session.getId());
        if (connection != null) {
            connection.close(null);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        afterConnectionClosed(session, CloseStatus.SERVER_ERROR);
    }
}
