package lab.kvstore.streaming;

import java.util.List;
import lab.kvstore.storage.StoredEntry;

/** The calls of a partition stream; each blocks up to its timeout and throws when the node fails. */
public interface StreamTransport {

    /** Every entry a node holds for a partition. */
    List<StoredEntry> fetch(String node, int partition, long timeoutMillis);

    /** Joins the entries into the node's replica (idempotent). */
    void push(String node, int partition, List<StoredEntry> entries, long timeoutMillis);

    /**
     * Drops what a node that does not replicate the partition still holds of it from an earlier
     * ownership, before it gains the partition again: such a copy may predate deletes whose
     * tombstones have since been collected, and would bring deleted values back.
     */
    void dropStaleCopy(String node, int partition, long timeoutMillis);
}
