package lab.kvstore.storage;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lab.kvstore.version.VersionedValue;

/** Storage for deterministic tests of the replication algorithm; durable only as long as the object. */
public final class InMemoryStorage implements ReplicaStorage {

    private final ConcurrentHashMap<KeyBytes, VersionedValue> values = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean open = true;

    @Override
    public VersionedValue read(int partition, byte[] key) {
        requireOpen();
        return values.getOrDefault(new KeyBytes(StorageKey.of(partition, key)), VersionedValue.EMPTY);
    }

    @Override
    public void write(int partition, byte[] key, VersionedValue value) {
        requireOpen();
        values.put(new KeyBytes(StorageKey.of(partition, key)), value);
        writes.incrementAndGet();
    }

    @Override
    public void delete(int partition, byte[] key) {
        requireOpen();
        values.remove(new KeyBytes(StorageKey.of(partition, key)));
    }

    @Override
    public java.util.List<StoredEntry> scan(int partition) {
        requireOpen();
        return values.entrySet().stream()
                .filter(e -> ((e.getKey().bytes()[0] & 0xFF) << 8 | (e.getKey().bytes()[1] & 0xFF)) == partition)
                .map(e -> new StoredEntry(Arrays.copyOfRange(e.getKey().bytes(), 2, e.getKey().bytes().length), e.getValue()))
                .sorted((a, b) -> Arrays.compareUnsigned(a.key(), b.key()))
                .toList();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long approximateKeys() {
        return values.size();
    }

    @Override
    public long approximateBytes() {
        return values.values().stream().mapToLong(VersionedValue::valueBytes).sum();
    }

    @Override
    public long walSyncs() {
        return writes.get();
    }

    @Override
    public void close() {
        open = false;
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("storage is closed");
        }
    }

    private record KeyBytes(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyBytes other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
