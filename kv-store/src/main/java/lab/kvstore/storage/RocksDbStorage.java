package lab.kvstore.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * RocksDB with a synced write-ahead log: every write returns only after its WAL record is on
 * disk, so an acknowledged write survives {@code kill -9}. Concurrent writers are grouped by
 * RocksDB's write leader into one WAL append and one fsync (group commit); {@link #walSyncs()}
 * against the write count shows how much grouping happened.
 *
 * <p>The partition count is recorded in a metadata column family at creation and checked at
 * every open: reopening a data directory with a different partitioning would put keys in the
 * wrong partitions, so it fails loudly instead.
 */
public final class RocksDbStorage implements ReplicaStorage {

    private static final byte[] PARTITIONS_KEY = "partitions".getBytes(StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    private final Statistics statistics;
    private final DBOptions options;
    private final ColumnFamilyOptions columnOptions;
    private final WriteOptions syncWrites;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle data;
    private volatile boolean open;

    public RocksDbStorage(Path directory, int partitionCount) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + directory, e);
        }
        statistics = new Statistics();
        options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setStatistics(statistics);
        columnOptions = new ColumnFamilyOptions();
        syncWrites = new WriteOptions().setSync(true);
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions),
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8), columnOptions));
        try {
            db = RocksDB.open(options, directory.toString(), families, handles);
            data = handles.get(0);
            checkPartitionCount(handles.get(1), partitionCount, directory);
        } catch (RocksDBException e) {
            closeNative();
            throw new IllegalStateException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
        }
        open = true;
    }

    private void checkPartitionCount(ColumnFamilyHandle meta, int partitionCount, Path directory) throws RocksDBException {
        byte[] stored = db.get(meta, PARTITIONS_KEY);
        byte[] wanted = Integer.toString(partitionCount).getBytes(StandardCharsets.UTF_8);
        if (stored == null) {
            db.put(meta, syncWrites, PARTITIONS_KEY, wanted);
        } else if (!java.util.Arrays.equals(stored, wanted)) {
            throw new IllegalStateException("data directory " + directory + " was created with "
                    + new String(stored, StandardCharsets.UTF_8) + " partitions, configuration says " + partitionCount);
        }
    }

    @Override
    public VersionedValue read(int partition, byte[] key) {
        try {
            byte[] bytes = db.get(data, StorageKey.of(partition, key));
            return bytes == null ? VersionedValue.EMPTY : VersionCodec.decode(bytes);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int partition, byte[] key, VersionedValue value) {
        try {
            db.put(data, syncWrites, StorageKey.of(partition, key), VersionCodec.encode(value));
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(int partition, byte[] key) {
        try {
            db.delete(data, syncWrites, StorageKey.of(partition, key));
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB delete failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredEntry> scan(int partition) {
        byte[] prefix = StorageKey.of(partition, new byte[0]);
        List<StoredEntry> entries = new ArrayList<>();
        try (RocksIterator iterator = db.newIterator(data)) {
            for (iterator.seek(prefix); iterator.isValid(); iterator.next()) {
                byte[] storageKey = iterator.key();
                if (storageKey.length < 2 || storageKey[0] != prefix[0] || storageKey[1] != prefix[1]) {
                    break;
                }
                entries.add(new StoredEntry(java.util.Arrays.copyOfRange(storageKey, 2, storageKey.length),
                        VersionCodec.decode(iterator.value())));
            }
        }
        return entries;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long approximateKeys() {
        return property("rocksdb.estimate-num-keys");
    }

    @Override
    public long approximateBytes() {
        return property("rocksdb.total-sst-files-size") + property("rocksdb.cur-size-all-mem-tables");
    }

    @Override
    public long walSyncs() {
        return statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
    }

    private long property(String name) {
        if (!open) {
            return 0;
        }
        try {
            return db.getLongProperty(data, name);
        } catch (RocksDBException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        closeNative();
    }

    private void closeNative() {
        handles.forEach(ColumnFamilyHandle::close);
        if (db != null) {
            db.close();
        }
        syncWrites.close();
        columnOptions.close();
        options.close();
        statistics.close();
    }
}
