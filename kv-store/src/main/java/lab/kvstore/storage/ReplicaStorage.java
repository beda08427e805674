package lab.kvstore.storage;

import lab.kvstore.version.VersionedValue;

/**
 * A node's durable copy of the keys it replicates. Keys are addressed by ring partition and the
 * key's UTF-8 bytes so that a partition can be scanned, hashed or streamed on its own.
 */
public interface ReplicaStorage extends AutoCloseable {

    /** The stored value, or {@link VersionedValue#EMPTY} when this replica holds nothing for the key. */
    VersionedValue read(int partition, byte[] key);

    /** Stores the value; when this returns the value survives a crash of the process and the machine. */
    void write(int partition, byte[] key, VersionedValue value);

    /** Removes the key (tombstone collection only); durable when this returns. */
    void delete(int partition, byte[] key);

    /** Every key of one partition in key order, with its value: what anti-entropy hashes and exchanges. */
    java.util.List<StoredEntry> scan(int partition);

    /** Whether reads and writes can be served (the engine is open). */
    boolean isOpen();

    /** The engine's estimate of stored keys; may lag and over-count deleted keys until compaction. */
    long approximateKeys();

    /** Bytes on disk plus in memtables, as the engine reports them. */
    long approximateBytes();

    /** Write-ahead-log syncs so far; below the write count when concurrent writes share an fsync. */
    long walSyncs();

    @Override
    void close();
}
