package lab.mq.fanout;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of events, shared by both transports. SSE sends {@link #type} as the event name and
 * {@link #data} as its data; a WebSocket frame is {@link #frame}: the same fields plus {@code type}.
 */
public final class EventJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventJson() {
    }

    public static String type(Event event) {
        return switch (event) {
            case Event.MessageEvent m -> "message";
            case Event.Discontinuity d -> "discontinuity";
            case Event.Subscribed s -> "subscribed";
            case Event.Unsubscribed u -> "unsubscribed";
            case Event.Problem p -> "problem";
            case Event.Heartbeat h -> "heartbeat";
            case Event.Closing c -> "closing";
        };
    }

    /** The event's payload: a message event's payload is the message itself. */
    public static String data(Event event) {
        return JSON.writeValueAsString(event instanceof Event.MessageEvent m ? m.message() : event);
    }

    public static String frame(Event event) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type(event));
        if (event instanceof Event.MessageEvent m) {
            frame.put("message", m.message());
        } else {
            frame.putAll(JSON.convertValue(event, Map.class));
        }
        return JSON.writeValueAsString(frame);
    }
}
