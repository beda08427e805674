package lab.kvstore.antientropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lab.kvstore.storage.StoredEntry;
import org.junit.jupiter.api.Test;

/** Batches of entries never larger, encoded, than the receiver's body limit. */
class EntryBatchesTest {

    private static final int MIB = 1024 * 1024;

    private static StoredEntry entry(String key, int... siblingBytes) {
        return TestEntries.of(key, siblingBytes);
    }

    private static long encoded(List<StoredEntry> batch) {
        return EntriesCodec.encode(batch).length;
    }

    @Test
    void theEncodedSizeIsExactlyWhatTheCodecWrites() {
        StoredEntry entry = entry("cart:42", 10, 200 * 1024, 0);
        assertThat(EntriesCodec.HEADER_BYTES + EntriesCodec.encodedBytes(entry)).isEqualTo(encoded(List.of(entry)));
        assertThat(EntriesCodec.HEADER_BYTES + EntriesCodec.encodedBytes(entry("a", 1)) + EntriesCodec.encodedBytes(entry))
                .isEqualTo(encoded(List.of(entry("a", 1), entry)));
    }

    @Test
    void aLargeEntryFollowedByALargeValueGoesInTwoRequests() {
        long limit = MIB + 64 * 1024;
        StoredEntry first = entry("a", 200 * 1024);
        StoredEntry second = entry("b", MIB);
        List<List<StoredEntry>> batches = EntryBatches.of(List.of(first, second), limit);
        assertThat(batches).containsExactly(List.of(first), List.of(second));
        batches.forEach(batch -> assertThat(encoded(batch)).isLessThanOrEqualTo(limit));
    }

    @Test
    void anEntryThatFillsTheLimitExactlyFitsAndOneByteMoreIsRefused() {
        StoredEntry entry = entry("k", 1000, 1000);
        long exact = encoded(List.of(entry));
        StoredEntry before = entry("j", 1);
        StoredEntry after = entry("l", 1);
        assertThat(EntryBatches.of(List.of(before, entry, after), exact))
                .containsExactly(List.of(before), List.of(entry), List.of(after));
        assertThatThrownBy(() -> EntryBatches.of(List.of(entry), exact - 1))
                .isInstanceOf(EntryTooLargeException.class).hasMessageContaining("'k'").hasMessageContaining(exact + " bytes");
    }

    @Test
    void randomEntriesKeepTheirOrderAndEveryBatchIsFullAndWithinTheLimit() {
        Random random = new Random(21);
        for (int round = 0; round < 200; round++) {
            long limit = 2_000 + random.nextInt(50_000);
            List<StoredEntry> entries = new ArrayList<>();
            for (int i = 0, n = random.nextInt(30); i < n; i++) {
                int[] siblings = new int[1 + random.nextInt(3)];
                for (int s = 0; s < siblings.length; s++) {
                    siblings[s] = random.nextInt((int) (limit / 4));
                }
                entries.add(entry("key-" + i, siblings));
            }
            List<List<StoredEntry>> batches = EntryBatches.of(entries, limit);
            assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(entries);
            for (int b = 0; b < batches.size(); b++) {
                assertThat(encoded(batches.get(b))).isLessThanOrEqualTo(limit);
                if (b + 1 < batches.size()) {
                    List<StoredEntry> withNext = new ArrayList<>(batches.get(b));
                    withNext.add(batches.get(b + 1).getFirst());
                    assertThat(encoded(withNext)).as("closed only when the next entry would not fit").isGreaterThan(limit);
                }
            }
        }
    }
}
