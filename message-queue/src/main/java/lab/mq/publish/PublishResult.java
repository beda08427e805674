package lab.mq.publish;

import lab.mq.message.Message;

/** What a publish produced: the message, and whether it is the earlier result of the same idempotency key. */
public record PublishResult(Message message, boolean replayed) {
}
