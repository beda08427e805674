package lab.mq.fanout;

import java.util.Map;
import lab.mq.message.Message;

/** What a subscriber receives, whatever the transport. */
public sealed interface Event {

    /** A message of a subscribed channel; within a channel, seq increases by exactly 1. */
    record MessageEvent(Message message) implements Event {
    }

    /**
     * Messages {@code fromSeq..toSeq} of the channel are gone (older than retention) and will never
     * be delivered; delivery continues at {@code toSeq + 1}. Never silent: a client sees exactly
     * which range it lost.
     */
    record Discontinuity(String channel, long fromSeq, long toSeq, String reason) implements Event {
    }

    /** The subscription is live; its first message will be {@code nextSeq}. */
    record Subscribed(String channel, long nextSeq) implements Event {
    }

    record Unsubscribed(String channel) implements Event {
    }

    /** A client mistake on a connection that stays open (for example an invalid channel name). */
    record Problem(String detail, String channel) implements Event {
    }

    /** Nothing to say; keeps intermediaries from closing an idle stream and detects dead peers. */
    record Heartbeat() implements Event {
    }

    /** The server closes the connection; {@code lastSeq} per channel is where to resume, on any node. */
    record Closing(String reason, Map<String, Long> lastSeq) implements Event {
    }
}
