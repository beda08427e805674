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
