package lab.mq.subscribe.sse;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import lab.mq.fanout.Event;
import lab.mq.fanout.EventJson;
import lab.mq.fanout.EventSink;

/**
 * Writes events as text/event-stream. The {@code id:} of each message is its sequence number, so a
 * browser's EventSource sends it back as {@code Last-Event-ID} when it reconnects, to any node.
 * A discontinuity carries the last lost number as its id and the subscribed event the number
 * before the first one to come, so a reconnect at any moment resumes at the right place.
 */
final class SseSink implements EventSink {

    private final HttpServletResponse response;
    private OutputStream out;

    SseSink(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void open() throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        out = response.getOutputStream();
        response.flushBuffer();
    }

    @Override
    public void send(Event event) throws IOException {
        StringBuilder frame = new StringBuilder(256);
        switch (event) {
            case Event.Heartbeat h -> frame.append(": heartbeat\n");
            case Event.MessageEvent m -> frame.append("id: ").append(m.message().seq()).append('\n');
            case Event.Discontinuity d -> frame.append("id: ").append(d.toSeq()).append('\n');
            case Event.Subscribed s -> frame.append("retry: 1000\nid: ").append(s.nextSeq() - 1).append('\n');
            default -> { }
        }
        if (!(event instanceof Event.Heartbeat)) {
            frame.append("event: ").append(EventJson.type(event)).append('\n')
                    .append("data: ").append(EventJson.data(event)).append('\n');
        }
        frame.append('\n');
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        if (out == null) {
            return; // never opened: the servlet container finishes the response
        }
        try {
            out.close();
        } catch (IOException alreadyGone) {
            // The client went away; nothing left to close.
        }
    }
}
