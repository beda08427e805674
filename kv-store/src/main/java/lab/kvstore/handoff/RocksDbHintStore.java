package lab.kvstore.handoff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Hints in their own RocksDB (a directory next to the data), written with a synced WAL like the
 * data itself: a hint that counted toward W must survive kill -9 of the node holding it.
 * Engine key: target UTF-8, a 0 byte, then a big-endian sequence number, so one target's hints
 * are a contiguous range in arrival order. The per-target counts and bytes are rebuilt by a scan
 * at open and kept in memory (the bounds are checked against them).
 */
public final class RocksDbHintStore implements HintStore {

    static {
        RocksDB.loadLibrary();
    }

    private final HintBounds bounds;
    private final LongSupplier clockMillis;
    private final Options options;
    private final WriteOptions syncWrites;
    private final RocksDB db;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Pending> pending = new TreeMap<>();

    public RocksDbHintStore(Path directory, HintBounds bounds, LongSupplier clockMillis) {
        this.bounds = bounds;
        this.clockMillis = clockMillis;
        try {
            Files.createDirectories(directory);
            options = new Options().setCreateIfMissing(true);
            syncWrites = new WriteOptions().setSync(true);
            db = RocksDB.open(options, directory.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create hint directory " + directory, e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open the hint store in " + directory + ": " + e.getMessage(), e);
        }
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Hint hint = decode(it.key(), it.value());
                sequence.accumulateAndGet(hint.sequence(), Math::max);
                pending.merge(hint.target(), new Pending(1, hint.sizeBytes()), RocksDbHintStore::plus);
            }
        }
    }

    @Override
    public synchronized boolean add(String target, byte[] key, VersionedValue value) {
        Hint hint = new Hint(sequence.incrementAndGet(), target, key, value, clockMillis.getAsLong());
        Pending current = pending.getOrDefault(target, new Pending(0, 0));
        if (current.hints() + 1 > bounds.maxHints() || current.bytes() + hint.sizeBytes() > bounds.maxBytes()) {
            return false;
        }
        try {
            db.put(syncWrites, engineKey(target, hint.sequence()), encodeValue(hint));
        } catch (RocksDBException e) {
            throw new IllegalStateException("hint write failed: " + e.getMessage(), e);
        }
        pending.merge(target, new Pending(1, hint.sizeBytes()), RocksDbHintStore::plus);
        return true;
    }

    @Override
    public List<Hint> oldest(String target, int limit) {
        byte[] prefix = engineKey(target, 0);
        List<Hint> hints = new ArrayList<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(prefix); it.isValid() && hints.size() < limit; it.next()) {
                byte[] engineKey = it.key();
                if (engineKey.length != prefix.length || !Arrays.equals(engineKey, 0, prefix.length - 8, prefix, 0, prefix.length - 8)) {
                    break;
                }
                hints.add(decode(engineKey, it.value()));
            }
        }
        return hints;
    }

    @Override
    public synchronized void remove(Hint hint) {
        try {
            db.delete(syncWrites, engineKey(hint.target(), hint.sequence()));
        } catch (RocksDBException e) {
            throw new IllegalStateException("hint delete failed: " + e.getMessage(), e);
        }
        Pending left = plus(pending.getOrDefault(hint.target(), new Pending(0, 0)), new Pending(-1, -hint.sizeBytes()));
        if (left.hints() <= 0) {
            pending.remove(hint.target());
        } else {
            pending.put(hint.target(), left);
        }
    }

    @Override
    public synchronized Map<String, Pending> pending() {
        return new TreeMap<>(pending);
    }

    @Override
    public HintBounds bounds() {
        return bounds;
    }

    @Override
    public synchronized void close() {
        db.close();
        syncWrites.close();
        options.close();
    }

    private static Pending plus(Pending a, Pending b) {
        return new Pending(a.hints() + b.hints(), a.bytes() + b.bytes());
    }

    private static byte[] engineKey(String target, long sequence) {
        byte[] name = target.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 9).put(name).put((byte) 0).putLong(sequence).array();
    }

    private static byte[] encodeValue(Hint hint) {
        byte[] value = VersionCodec.encode(hint.value());
        return ByteBuffer.allocate(12 + hint.key().length + value.length)
                .putLong(hint.createdMillis()).putInt(hint.key().length).put(hint.key()).put(value).array();
    }

    private static Hint decode(byte[] engineKey, byte[] stored) {
        String target = new String(engineKey, 0, engineKey.length - 9, StandardCharsets.UTF_8);
        long sequence = ByteBuffer.wrap(engineKey, engineKey.length - 8, 8).getLong();
        ByteBuffer in = ByteBuffer.wrap(stored);
        long created = in.getLong();
        byte[] key = new byte[in.getInt()];
        in.get(key);
        byte[] value = new byte[in.remaining()];
        in.get(value);
        return new Hint(sequence, target, key, VersionCodec.decode(value), created);
    }
}
