package lab.kvstore.antientropy;

import java.util.List;
import java.util.Set;
import lab.kvstore.storage.StoredEntry;

/** The three calls of an exchange; each blocks up to its timeout and throws when the peer fails. */
public interface AntiEntropyTransport {

    /** The peer's Merkle leaves for a partition. */
    byte[][] leaves(String peer, int partition, int segments, long timeoutMillis);

    /** The peer's entries of the given segments of a partition. */
    List<StoredEntry> fetch(String peer, int partition, int segments, Set<Integer> wanted, long timeoutMillis);

    /** Joins the entries into the peer's replica. */
    void push(String peer, int partition, List<StoredEntry> entries, long timeoutMillis);
}
