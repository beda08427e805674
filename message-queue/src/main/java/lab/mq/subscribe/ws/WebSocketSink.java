package lab.mq.subscribe.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import lab.mq.fanout.Event;
import lab.mq.fanout.EventJson;
import lab.mq.fanout.EventSink;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/** Events as JSON text frames; heartbeats as WebSocket pings. Tomcat's send blocks up to its send timeout. */
final class WebSocketSink implements EventSink {

    private final WebSocketSession session;

    WebSocketSink(WebSocketSession session) {
        this.session = session;
    }

    @Override
    public void send(Event event) throws IOException {
        if (!session.isOpen()) {
            throw new IOException("the WebSocket is closed");
        }
        if (event instanceof Event.Heartbeat) {
            session.sendMessage(new PingMessage(ByteBuffer.allocate(0)));
        } else {
            session.sendMessage(new TextMessage(EventJson.frame(event)));
        }
    }

    @Override
    public void close() {
        try {
            session.close(CloseStatus.GOING_AWAY);
        } catch (IOException alreadyGone) {
            // The client went away; nothing left to close.
        }
    }
}
