package lab.mq.sequence;

import lab.mq.log.LogRecord;
import lab.mq.log.PublishRequest;
import lab.mq.message.Message;

/**
 * Assigns each channel's next sequence number on the log's side. It runs where Kafka Streams put
 * the channel's partition, one thread per partition, so nothing else assigns numbers of that
 * channel at the same time; its state and its output commit in one Kafka transaction, so a crash
 * can neither skip nor repeat a number. The publisher never guesses one.
 */
public final class Sequencer {

    private final SequencerState state;

    public Sequencer(SequencerState state) {
        this.state = state;
    }

    public LogRecord sequence(PublishRequest request, long nowMillis) {
        String key = request.idempotencyKey();
        if (key != null) {
            SequencerState.Remembered earlier = state.remembered(request.channel(), key);
            if (earlier != null) {
                LogRecord.Kind kind = earlier.fingerprint().equals(request.fingerprint())
                        ? LogRecord.Kind.DUPLICATE : LogRecord.Kind.CONFLICT;
                return new LogRecord(kind, request.requestId(), earlier.message());
            }
        }
        long last = state.lastSeq(request.channel());
        if (last < 0) {
            throw new IllegalStateException("negative last sequence " + last + " for channel " + request.channel());
        }
        long seq = last + 1;
        Message message = new Message(request.requestId(), request.channel(), seq, request.sender(), request.text(),
                request.publishedAtMillis(), nowMillis);
        state.setLastSeq(request.channel(), seq);
        if (key != null) {
            state.remember(request.channel(), key, new SequencerState.Remembered(message, request.fingerprint(), nowMillis));
        }
        return new LogRecord(LogRecord.Kind.MESSAGE, request.requestId(), message);
    }
}
