package lab.mq.message;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.Objects;

/**
 * One message of a channel as the log holds it. {@code seq} is its position in the channel
 * (1, 2, 3, … with no gap), assigned by the sequencer on the log's side; {@code id} is the
 * Snowflake from the id-generator (a JSON string, since 64-bit numbers lose precision in
 * JavaScript). Times are epoch milliseconds: {@code publishedAtMillis} by the node that took the
 * publish, {@code sequencedAtMillis} by the sequencer.
 */
public record Message(@JsonFormat(shape = JsonFormat.Shape.STRING) long id,
                      String channel,
                      long seq,
                      String sender,
                      String text,
                      long publishedAtMillis,
                      long sequencedAtMillis) {

    public Message {
        ChannelName.require(channel);
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(text, "text");
        if (seq < 1) {
            throw new IllegalArgumentException("a channel's sequence starts at 1, got " + seq + " in " + channel);
        }
    }
}
