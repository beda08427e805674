package lab.kvstore.antientropy;

import java.util.ArrayList;
import java.util.List;
import lab.kvstore.storage.StoredEntry;

/**
 * Splits entries into request bodies no larger than a byte limit, measured as
 * {@link EntriesCodec} encodes them (count, length prefixes and all). A batch is closed before
 * the entry that would take it past the limit, never after, so no body the receiver would
 * refuse is ever built; an entry that is larger than the limit on its own is an
 * {@link EntryTooLargeException}, since no split of it would be accepted either.
 */
public final class EntryBatches {

    private EntryBatches() {
    }

    /** The entries, in order, in batches of at most {@code maxBodyBytes} encoded bytes each. */
    public static List<List<StoredEntry>> of(List<StoredEntry> entries, long maxBodyBytes) {
        List<List<StoredEntry>> batches = new ArrayList<>();
        List<StoredEntry> batch = new ArrayList<>();
        long bodyBytes = EntriesCodec.HEADER_BYTES;
        for (StoredEntry entry : entries) {
            long entryBytes = EntriesCodec.encodedBytes(entry);
            if (EntriesCodec.HEADER_BYTES + entryBytes > maxBodyBytes) {
                throw new EntryTooLargeException(entry, EntriesCodec.HEADER_BYTES + entryBytes, maxBodyBytes);
            }
            if (!batch.isEmpty() && bodyBytes + entryBytes > maxBodyBytes) {
                batches.add(batch);
                batch = new ArrayList<>();
                bodyBytes = EntriesCodec.HEADER_BYTES;
            }
            batch.add(entry);
            bodyBytes += entryBytes;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }
}
