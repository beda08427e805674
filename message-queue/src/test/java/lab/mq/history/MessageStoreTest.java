package lab.mq.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.mq.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageStoreTest {

    @TempDir
    Path dir;

    private static Message message(String channel, long seq, long sequencedAt) {
        return new Message(5_000 + seq, channel, seq, "ann", "text " + seq, sequencedAt, sequencedAt);
    }

    @Test
    void keepsMessagesAndOffsetsTogetherAcrossARestart() {
        try (MessageStore store = new MessageStore(dir)) {
            store.append(List.of(message("a", 1, 10), message("b", 1, 10), message("a", 2, 11)), Map.of(0, 3L, 1, 7L));
        }
        try (MessageStore store = new MessageStore(dir)) {
            assertThat(store.nextOffsets()).isEqualTo(Map.of(0, 3L, 1, 7L));
            assertThat(store.bounds("a")).isEqualTo(new ChannelBounds(1, 2));
            assertThat(store.read("a", 1, 10)).extracting(Message::seq).containsExactly(1L, 2L);
            assertThat(store.seqOf("a", 5_002)).hasValue(2);
            assertThat(store.seqOf("a", 9_999)).isEmpty();
            assertThat(store.bounds("never")).isEqualTo(ChannelBounds.UNKNOWN);
        }
    }

    @Test
    void refusesARepeatedSequenceNumber() {
        try (MessageStore store = new MessageStore(dir)) {
            store.append(List.of(message("a", 1, 10), message("a", 2, 10)), Map.of());
            assertThatThrownBy(() -> store.append(List.of(message("a", 2, 10)), Map.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("repeated");
        }
    }

    @Test
    void aChannelFirstSeenMidwayStartsItsHistoryThere() {
        try (MessageStore store = new MessageStore(dir)) {
            store.append(List.of(message("a", 41, 10), message("a", 42, 10)), Map.of());
            assertThat(store.bounds("a")).isEqualTo(new ChannelBounds(41, 42));
            assertThat(store.read("a", 1, 10)).extracting(Message::seq).containsExactly(41L, 42L);
        }
    }

    @Test
    void purgeDropsWhatRetentionRemovedAndMovesFirstSeq() {
        try (MessageStore store = new MessageStore(dir)) {
            for (long seq = 1; seq <= 600; seq++) {
                store.append(List.of(message("a", seq, seq <= 500 ? 100 : 900)), Map.of());
            }
            assertThat(store.purgeSequencedBefore(500)).isEqualTo(500);
            assertThat(store.bounds("a")).isEqualTo(new ChannelBounds(501, 600));
            assertThat(store.read("a", 1, 5)).extracting(Message::seq).containsExactly(501L, 502L, 503L, 504L, 505L);
            assertThat(store.seqOf("a", 5_001)).isEmpty();
        }
    }
}
