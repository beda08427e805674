package lab.kvstore.streaming;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.storage.StoredEntry;

/**
 * Streams one partition to the node that gains it: drops the target's stale copy, reads the
 * partition from every current replica, joins the copies (so a write that reached any W of them
 * is in the result), and sends the join to the target in batches. Every byte read or sent first
 * waits for the {@link BytePacer}, the streaming bandwidth bound.
 *
 * <p>A batch is measured as it goes on the wire ({@link EntriesCodec}) and closed before the
 * entry that would take it past {@code batchBytes}, so it is larger than that only when a single
 * entry is; the transport then keeps every request within the receiver's body limit.
 */
public final class PartitionStreamer {

    private final StreamTransport transport;
    private final BytePacer pacer;
    private final StreamProgress progress;
    private final long batchBytes;
    private final long callTimeoutMillis;

    public PartitionStreamer(StreamTransport transport, BytePacer pacer, StreamProgress progress, long batchBytes,
                             long callTimeoutMillis) {
        this.transport = transport;
        this.pacer = pacer;
        this.progress = progress;
        this.batchBytes = Math.max(1, batchBytes);
        this.callTimeoutMillis = callTimeoutMillis;
    }

    /** Streams the move; throws (leaving it to be retried whole) when a source or the target fails. */
    public void stream(PartitionMove move) {
        progress.started(move);
        transport.dropStaleCopy(move.target(), move.partition(), callTimeoutMillis);
        Map<ByteBuffer, StoredEntry> joined = new TreeMap<>();
        for (String source : move.sources()) {
            List<StoredEntry> entries = transport.fetch(source, move.partition(), callTimeoutMillis);
            long bytes = entries.stream().mapToLong(PartitionStreamer::sizeBytes).sum();
            pacer.acquire(bytes);
            progress.read(bytes);
            for (StoredEntry entry : entries) {
                joined.merge(ByteBuffer.wrap(entry.key()), entry, (a, b) -> new StoredEntry(a.key(), a.value().join(b.value())));
            }
        }
        List<StoredEntry> batch = new ArrayList<>();
        long inBatch = EntriesCodec.HEADER_BYTES;
        for (StoredEntry entry : joined.values()) {
            long entryBytes = EntriesCodec.encodedBytes(entry);
            // Closed before the entry that would take it past the target: a batch is over it only when one entry is.
            if (!batch.isEmpty() && inBatch + entryBytes > batchBytes) {
                send(move, batch, inBatch);
                batch = new ArrayList<>();
                inBatch = EntriesCodec.HEADER_BYTES;
            }
            batch.add(entry);
            inBatch += entryBytes;
        }
        if (!batch.isEmpty()) {
            send(move, batch, inBatch);
        }
        progress.finished(move);
    }

    private void send(PartitionMove move, List<StoredEntry> batch, long bytes) {
        pacer.acquire(bytes);
        transport.push(move.target(), move.partition(), batch, callTimeoutMillis);
        progress.moved(move, batch.size(), bytes);
    }

    static long sizeBytes(StoredEntry entry) {
        return EntriesCodec.encodedBytes(entry);
    }
}
