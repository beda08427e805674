package lab.mq.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import lab.mq.log.RecordCodec;
import lab.mq.message.Message;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the channels, fed only from {@code mq.messages} (RocksDB in DATA_DIR). The
 * messages of a batch and the log offsets after it are written in one atomic batch, so after a
 * kill -9 the node resumes reading exactly where its store ends: no message twice, none missing.
 * Memory is bounded by RocksDB's cache and write buffers; disk by the retention.
 *
 * <p>Keys: {@code 1 channel 0 seq} message, {@code 2 channel 0 id} seq, {@code 3 channel}
 * bounds, {@code 4 partition} next offset.
 */
public final class MessageStore implements ChannelReader, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
    private static final byte MESSAGE = 1;
    private static final byte ID_INDEX = 2;
    private static final byte BOUNDS = 3;
    private static final byte OFFSET = 4;

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache = new LRUCache(16L << 20);
    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();
    private final Map<String, ChannelBounds> bounds = new ConcurrentHashMap<>();

    public MessageStore(Path dir) {
        try {
            Files.createDirectories(dir);
            options = new Options().setCreateIfMissing(true)
                    .setWriteBufferSize(8L << 20)
                    .setMaxWriteBufferNumber(2)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
            db = RocksDB.open(options, dir.toString());
            loadBounds();
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the message store in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void loadBounds() {
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {BOUNDS}); it.isValid() && it.key()[0] == BOUNDS; it.next()) {
                String channel = new String(it.key(), 1, it.key().length - 1, StandardCharsets.UTF_8);
                ByteBuffer value = ByteBuffer.wrap(it.value());
                bounds.put(channel, new ChannelBounds(value.getLong(), value.getLong()));
            }
        }
        log.info("message store holds {} channels", bounds.size());
    }

    /** The offset to read next per partition of {@code mq.messages}; empty for a new store. */
    public Map<Integer, Long> nextOffsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {OFFSET}); it.isValid() && it.key()[0] == OFFSET; it.next()) {
                offsets.put(ByteBuffer.wrap(it.key(), 1, 4).getInt(), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return offsets;
    }

    /**
     * Appends messages read from the log (in log order) and the offsets after them, atomically.
     * Each message must be its channel's next one; a jump is accepted only as a loss this node
     * suffered (it was away longer than retention), recorded by moving {@code firstSeq} past it.
     */
    public synchronized void append(List<Message> messages, Map<Integer, Long> nextOffsets) {
        Map<String, ChannelBounds> changed = new HashMap<>();
        try (WriteBatch batch = new WriteBatch()) {
            for (Message m : messages) {
                ChannelBounds before = changed.getOrDefault(m.channel(), bounds(m.channel()));
                ChannelBounds after = next(before, m);
                batch.put(messageKey(m.channel(), m.seq()), RecordCodec.encode(m));
                batch.put(idKey(m.channel(), m.id()), ByteBuffer.allocate(8).putLong(m.seq()).array());
                changed.put(m.channel(), after);
            }
            for (Map.Entry<String, ChannelBounds> e : changed.entrySet()) {
                batch.put(boundsKey(e.getKey()), boundsValue(e.getValue()));
            }
            for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                batch.put(ByteBuffer.allocate(5).put(OFFSET).putInt(e.getKey()).array(),
                        ByteBuffer.allocate(8).putLong(e.getValue()).array());
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("message store write failed: " + e.getMessage(), e);
        }
        bounds.putAll(changed);
    }

    private static ChannelBounds next(ChannelBounds before, Message m) {
        if (m.seq() == before.headSeq() + 1) {
            return new ChannelBounds(before.firstSeq(), m.seq());
        }
        if (m.seq() <= before.headSeq()) {
            throw new IllegalStateException("channel " + m.channel() + " got seq " + m.seq() + " after " + before.headSeq()
                    + ": the log repeated a message (offsets and store out of step)");
        }
        if (before.headSeq() > 0) {
            log.warn("channel {}: this node missed seq {}..{} (retention removed them before it read them); older history is dropped",
                    m.channel(), before.headSeq() + 1, m.seq() - 1);
        }
        // First message this node sees of the channel (or after a loss): history starts here.
        return new ChannelBounds(m.seq(), m.seq());
    }

    @Override
    public ChannelBounds bounds(String channel) {
        return bounds.getOrDefault(channel, ChannelBounds.UNKNOWN);
    }

    @Override
    public List<Message> read(String channel, long fromSeq, int limit) {
        ChannelBounds b = bounds(channel);
        long from = Math.max(fromSeq, b.firstSeq());
        List<Message> out = new ArrayList<>(Math.min(limit, 256));
        byte[] prefix = channelPrefix(MESSAGE, channel);
        try (ReadOptions readOptions = new ReadOptions(); RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(messageKey(channel, from)); it.isValid() && out.size() < limit && startsWith(it.key(), prefix); it.next()) {
                Message m = RecordCodec.message(it.value());
                if (m.seq() > b.headSeq()) {
                    break; // written after the bounds were read: the caller gets it on its next read
                }
                if (!out.isEmpty() && m.seq() != out.getLast().seq() + 1) {
                    throw new IllegalStateException("store gap in " + channel + " between " + out.getLast().seq() + " and " + m.seq());
                }
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public OptionalLong seqOf(String channel, long messageId) {
        try {
            byte[] value = db.get(idKey(channel, messageId));
            return value == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(value).getLong());
        } catch (RocksDBException e) {
            throw new IllegalStateException("message store read failed: " + e.getMessage(), e);
        }
    }

    /** Drops messages sequenced before the cutoff (the topic's retention), oldest first per channel. */
    public synchronized int purgeSequencedBefore(long cutoffMillis) {
        int purged = 0;
        for (Map.Entry<String, ChannelBounds> e : Map.copyOf(bounds).entrySet()) {
            String channel = e.getKey();
            ChannelBounds b = e.getValue();
            long first = b.firstSeq();
            try (WriteBatch batch = new WriteBatch()) {
                boolean reachedNewer = false;
                while (!reachedNewer) {
                    List<Message> page = read(channel, first, 256);
                    reachedNewer = page.isEmpty();
                    for (Message m : page) {
                        if (m.sequencedAtMillis() >= cutoffMillis) {
                            reachedNewer = true;
                            break;
                        }
                        batch.delete(messageKey(channel, m.seq()));
                        batch.delete(idKey(channel, m.id()));
                        first = m.seq() + 1;
                        purged++;
                    }
                }
                if (first != b.firstSeq()) {
                    ChannelBounds after = new ChannelBounds(first, b.headSeq());
                    batch.put(boundsKey(channel), boundsValue(after));
                    db.write(writeOptions, batch);
                    bounds.put(channel, after);
                }
            } catch (RocksDBException ex) {
                throw new IllegalStateException("message store purge failed: " + ex.getMessage(), ex);
            }
        }
        return purged;
    }

    public int channelCount() {
        return bounds.size();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] channelPrefix(byte kind, String channel) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 2).put(kind).put(name).put((byte) 0).array();
    }

    private static byte[] messageKey(String channel, long seq) {
        byte[] prefix = channelPrefix(MESSAGE, channel);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
    }

    private static byte[] idKey(String channel, long id) {
        byte[] prefix = channelPrefix(ID_INDEX, channel);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(id).array();
    }

    private static byte[] boundsKey(String channel) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1).put(BOUNDS).put(name).array();
    }

    private static byte[] boundsValue(ChannelBounds b) {
        return ByteBuffer.allocate(16).putLong(b.firstSeq()).putLong(b.headSeq()).array();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
        cache.close();
    }
}
