package lab.mq.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import lab.mq.log.LogRecord;
import lab.mq.log.PublishRequest;
import org.junit.jupiter.api.Test;

class SequencerTest {

    private final Map<String, Long> last = new HashMap<>();
    private final Map<String, SequencerState.Remembered> keys = new HashMap<>();
    private final Sequencer sequencer = new Sequencer(new SequencerState() {
        @Override
        public long lastSeq(String channel) {
            return last.getOrDefault(channel, 0L);
        }

        @Override
        public void setLastSeq(String channel, long seq) {
            last.put(channel, seq);
        }

        @Override
        public Remembered remembered(String channel, String key) {
            return keys.get(channel + "/" + key);
        }

        @Override
        public void remember(String channel, String key, Remembered publish) {
            keys.put(channel + "/" + key, publish);
        }
    });

    private static PublishRequest request(long id, String channel, String text, String key) {
        return new PublishRequest(id, channel, "ann", text, key, 1_000, "mq-1");
    }

    @Test
    void eachChannelCountsOneTwoThreeOnItsOwn() {
        assertThat(sequencer.sequence(request(11, "a", "x", null), 5).message().seq()).isEqualTo(1);
        assertThat(sequencer.sequence(request(12, "b", "x", null), 5).message().seq()).isEqualTo(1);
        assertThat(sequencer.sequence(request(13, "a", "y", null), 5).message().seq()).isEqualTo(2);
        LogRecord third = sequencer.sequence(request(14, "a", "z", null), 7);
        assertThat(third.kind()).isEqualTo(LogRecord.Kind.MESSAGE);
        assertThat(third.message().seq()).isEqualTo(3);
        assertThat(third.message().id()).isEqualTo(14);
        assertThat(third.message().sequencedAtMillis()).isEqualTo(7);
        assertThat(third.message().publishedAtMillis()).isEqualTo(1_000);
    }

    @Test
    void aRetriedKeyReturnsTheOriginalMessageAndTakesNoNumber() {
        LogRecord first = sequencer.sequence(request(21, "a", "hello", "k1"), 5);
        LogRecord retry = sequencer.sequence(request(22, "a", "hello", "k1"), 6);
        assertThat(retry.kind()).isEqualTo(LogRecord.Kind.DUPLICATE);
        assertThat(retry.requestId()).isEqualTo(22);
        assertThat(retry.message()).isEqualTo(first.message());
        assertThat(sequencer.sequence(request(23, "a", "next", null), 7).message().seq()).isEqualTo(2);
    }

    @Test
    void aKeyReusedWithOtherTextIsAConflictNotAMessage() {
        sequencer.sequence(request(31, "a", "hello", "k1"), 5);
        LogRecord reuse = sequencer.sequence(request(32, "a", "bye", "k1"), 6);
        assertThat(reuse.kind()).isEqualTo(LogRecord.Kind.CONFLICT);
        assertThat(reuse.message().text()).isEqualTo("hello");
        assertThat(last.get("a")).isEqualTo(1);
    }

    @Test
    void keysAreScopedToTheirChannel() {
        sequencer.sequence(request(41, "a", "hello", "k1"), 5);
        LogRecord other = sequencer.sequence(request(42, "b", "hello", "k1"), 6);
        assertThat(other.kind()).isEqualTo(LogRecord.Kind.MESSAGE);
        assertThat(other.message().channel()).isEqualTo("b");
    }
}
