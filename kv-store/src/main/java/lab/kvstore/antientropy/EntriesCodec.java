package lab.kvstore.antientropy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionCodec;

/** Entries on the wire: a count, then each key and encoded value, length-prefixed. */
public final class EntriesCodec {

    /** The bytes of a body besides its entries: the count. */
    public static final int HEADER_BYTES = Integer.BYTES;

    private EntriesCodec() {
    }

    /** What one entry adds to an encoded body: its key and value with their length prefixes. */
    public static long encodedBytes(StoredEntry entry) {
        return Integer.BYTES + entry.key().length + Integer.BYTES + VersionCodec.encodedBytes(entry.value());
    }

    public static byte[] encode(List<StoredEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (StoredEntry entry : entries) {
                byte[] value = VersionCodec.encode(entry.value());
                out.writeInt(entry.key().length);
                out.write(entry.key());
                out.writeInt(value.length);
                out.write(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<StoredEntry> decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<StoredEntry> entries = new ArrayList<>(Math.min(count, 4096));
            for (int i = 0; i < count; i++) {
                byte[] key = in.readNBytes(in.readInt());
                byte[] value = in.readNBytes(in.readInt());
                entries.add(new StoredEntry(key, VersionCodec.decode(value)));
            }
            return entries;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed entries: " + e.getMessage(), e);
        }
    }
}
