package lab.mq.log;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.Objects;
import lab.mq.message.Message;

/**
 * A record of the topic {@code mq.messages}, written only by the sequencer. {@code requestId} is
 * the ID the publishing node chose for its request, so that node can match the outcome to the
 * waiting HTTP call.
 *
 * <ul>
 *   <li>{@link Kind#MESSAGE}: a new message of the channel, with the next sequence number.</li>
 *   <li>{@link Kind#DUPLICATE}: a retried publish with a known idempotency key; carries the
 *       original message and is not part of the channel.</li>
 *   <li>{@link Kind#CONFLICT}: an idempotency key reused with a different sender or text; carries
 *       the original message, not part of the channel.</li>
 * </ul>
 */
public record LogRecord(Kind kind, @JsonFormat(shape = JsonFormat.Shape.STRING) long requestId, Message message) {

    public enum Kind { MESSAGE, DUPLICATE, CONFLICT }

    public LogRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        if (kind == Kind.MESSAGE && requestId != message.id()) {
            throw new IllegalArgumentException("a new message keeps its request's ID: " + requestId + " vs " + message.id());
        }
    }
}
