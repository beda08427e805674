package lab.mq.sequence;

import java.nio.ByteBuffer;
import lab.mq.log.RecordCodec;
import lab.mq.message.Message;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link SequencerState} over two Streams stores. An idempotency entry is the remembered time
 * (8 bytes), the fingerprint's length and bytes, then the message as JSON.
 */
final class StoreBackedState implements SequencerState {

    private final KeyValueStore<String, Long> sequences;
    private final KeyValueStore<String, byte[]> remembered;

    StoreBackedState(KeyValueStore<String, Long> sequences, KeyValueStore<String, byte[]> remembered) {
        this.sequences = sequences;
        this.remembered = remembered;
    }

    @Override
    public long lastSeq(String channel) {
        Long last = sequences.get(channel);
        return last == null ? 0 : last;
    }

    @Override
    public void setLastSeq(String channel, long seq) {
        sequences.put(channel, seq);
    }

    @Override
    public Remembered remembered(String channel, String idempotencyKey) {
        byte[] bytes = remembered.get(key(channel, idempotencyKey));
        if (bytes == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long at = buffer.getLong();
        byte[] fingerprint = new byte[buffer.getInt()];
        buffer.get(fingerprint);
        byte[] message = new byte[buffer.remaining()];
        buffer.get(message);
        return new Remembered(RecordCodec.message(message), new String(fingerprint, java.nio.charset.StandardCharsets.UTF_8), at);
    }

    @Override
    public void remember(String channel, String idempotencyKey, Remembered publish) {
        byte[] fingerprint = publish.fingerprint().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] message = RecordCodec.encode(publish.message());
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + fingerprint.length + message.length);
        buffer.putLong(publish.rememberedAtMillis()).putInt(fingerprint.length).put(fingerprint).put(message);
        remembered.put(key(channel, idempotencyKey), buffer.array());
    }

    static long rememberedAt(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    private static String key(String channel, String idempotencyKey) {
        // Channel names never contain NUL, so the pair cannot collide with another pair.
        return channel + '\u0000' + idempotencyKey;
    }

}
