package lab.mq.sequence;

import lab.mq.message.Message;

/**
 * What the sequencer remembers per channel: its last sequence number and the idempotency keys of
 * recent publishes. In production these are Kafka Streams stores whose changelog commits in the
 * same transaction as the output; tests pass a map.
 */
public interface SequencerState {

    /** 0 for a channel that never had a message. */
    long lastSeq(String channel);

    void setLastSeq(String channel, long seq);

    /** The publish an idempotency key produced, or null. */
    Remembered remembered(String channel, String idempotencyKey);

    void remember(String channel, String idempotencyKey, Remembered publish);

    /** A publish kept for its idempotency key: the message and what it contained. */
    record Remembered(Message message, String fingerprint, long rememberedAtMillis) {
    }
}
