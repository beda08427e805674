package lab.kvstore.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.antientropy.TestEntries;
import lab.kvstore.storage.StoredEntry;
import org.junit.jupiter.api.Test;

/** The streamer's batches: closed before the entry that would take them past the target. */
class PartitionStreamerTest {

    private static final int KIB = 1024;
    private final List<List<StoredEntry>> pushes = new ArrayList<>();

    private List<List<StoredEntry>> stream(List<StoredEntry> entries, long batchBytes) {
        StreamTransport transport = new StreamTransport() {
            @Override
            public List<StoredEntry> fetch(String node, int partition, long timeoutMillis) {
                return entries;
            }

            @Override
            public void push(String node, int partition, List<StoredEntry> batch, long timeoutMillis) {
                pushes.add(List.copyOf(batch));
            }

            @Override
            public void dropStaleCopy(String node, int partition, long timeoutMillis) {
            }
        };
        AtomicLong nanos = new AtomicLong();
        BytePacer unbounded = new BytePacer(Long.MAX_VALUE / 4, nanos::get, nanos::addAndGet);
        PartitionMove move = new PartitionMove(7, "kv-4", List.of("kv-1"));
        StreamProgress progress = new StreamProgress(nanos::get);
        progress.plan(List.of(move));
        new PartitionStreamer(transport, unbounded, progress, batchBytes, 1000).stream(move);
        return pushes;
    }

    private static long encoded(List<StoredEntry> batch) {
        return EntriesCodec.encode(batch).length;
    }

    @Test
    void aLargeEntryFollowedByALargeValueIsTwoBatches() {
        StoredEntry first = TestEntries.of("a", 200 * KIB);
        StoredEntry second = TestEntries.of("b", 1024 * KIB);
        assertThat(stream(List.of(first, second), 256 * KIB)).containsExactly(List.of(first), List.of(second));
    }

    @Test
    void smallEntriesFillABatchUpToTheTargetAndNeverPastIt() {
        List<StoredEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(TestEntries.of("key-%03d".formatted(i), 10 * KIB));
        }
        List<List<StoredEntry>> batches = stream(entries, 64 * KIB);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(entries);
        assertThat(batches).allSatisfy(batch -> assertThat(encoded(batch)).isLessThanOrEqualTo(64 * KIB));
        assertThat(batches.getFirst()).as("as many as fit").hasSize(6);
    }
}
