package lab.kvstore.version;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * The binary form of contexts and versioned values, used on disk, between nodes and (base64url)
 * as the opaque {@code X-Context} token. A leading format byte lets a later part change the
 * layout without misreading old data directories.
 */
public final class VersionCodec {

    private static final byte VALUE_FORMAT = 1;
    private static final byte CONTEXT_FORMAT = 1;
    /** Far above any real context; stops a forged token from making us allocate gigabytes. */
    private static final int MAX_ENTRIES = 4096;
    private static final int MAX_VALUE_BYTES = 64 * 1024 * 1024;

    private VersionCodec() {
    }

    public static byte[] encode(VersionedValue value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (int) Math.min(value.valueBytes(), Integer.MAX_VALUE - 64));
        write(value, bytes);
        return bytes.toByteArray();
    }

    /** The length of {@link #encode}'s result, without building it. */
    public static long encodedBytes(VersionedValue value) {
        CountingStream counter = new CountingStream();
        write(value, counter);
        return counter.bytes;
    }

    private static void write(VersionedValue value, OutputStream target) {
        try (DataOutputStream out = new DataOutputStream(target)) {
            out.writeByte(VALUE_FORMAT);
            writeContext(out, value.context());
            out.writeInt(value.siblings().size());
            for (var entry : value.siblings().entrySet()) {
                writeDot(out, entry.getKey());
                Sibling sibling = entry.getValue();
                out.writeBoolean(sibling.tombstone());
                out.writeLong(sibling.timestampMillis());
                out.writeUTF(sibling.contentType());
                byte[] raw = sibling.valueUnsafe();
                out.writeInt(raw.length);
                out.write(raw);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts what is written to it and keeps nothing. */
    private static final class CountingStream extends OutputStream {
        private long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    /** Reads a value written by {@link #encode}; {@link IllegalArgumentException} when malformed. */
    public static VersionedValue decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            expectFormat(in.readByte(), VALUE_FORMAT, "value");
            CausalContext context = readContext(in);
            int count = bounded(in.readInt(), MAX_ENTRIES, "siblings");
            TreeMap<Dot, Sibling> siblings = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                Dot dot = readDot(in);
                boolean tombstone = in.readBoolean();
                long timestamp = in.readLong();
                String contentType = in.readUTF();
                byte[] raw = new byte[bounded(in.readInt(), MAX_VALUE_BYTES, "value bytes")];
                in.readFully(raw);
                siblings.put(dot, new Sibling(raw, contentType, timestamp, tombstone));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after the versioned value");
            }
            return VersionedValue.of(siblings, context);
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated versioned value", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The opaque client token: base64url without padding; empty string for the empty context. */
    public static String toToken(CausalContext context) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(CONTEXT_FORMAT);
            writeContext(out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /** Parses a client token; {@link IllegalArgumentException} with a reason when it is not one of ours. */
    public static CausalContext fromToken(String token) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64url: " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            expectFormat(in.readByte(), CONTEXT_FORMAT, "context");
            CausalContext context = readContext(in);
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after the context");
            }
            return context;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated context", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeContext(DataOutputStream out, CausalContext context) throws IOException {
        out.writeInt(context.vector().size());
        for (var entry : context.vector().entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeLong(entry.getValue());
        }
        out.writeInt(context.cloud().size());
        for (Dot dot : context.cloud()) {
            writeDot(out, dot);
        }
    }

    private static CausalContext readContext(DataInputStream in) throws IOException {
        int vectorSize = bounded(in.readInt(), MAX_ENTRIES, "vector entries");
        TreeMap<String, Long> vector = new TreeMap<>();
        for (int i = 0; i < vectorSize; i++) {
            String node = in.readUTF();
            if (node.isEmpty() || vector.put(node, in.readLong()) != null) {
                throw new IllegalArgumentException("empty or repeated node in version vector");
            }
        }
        int cloudSize = bounded(in.readInt(), MAX_ENTRIES, "cloud dots");
        List<Dot> cloud = new ArrayList<>(cloudSize);
        for (int i = 0; i < cloudSize; i++) {
            cloud.add(readDot(in));
        }
        return CausalContext.of(vector, cloud);
    }

    private static void writeDot(DataOutputStream out, Dot dot) throws IOException {
        out.writeUTF(dot.node());
        out.writeLong(dot.counter());
    }

    private static Dot readDot(DataInputStream in) throws IOException {
        return new Dot(in.readUTF(), in.readLong());
    }

    private static void expectFormat(byte actual, byte expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException("unknown " + what + " format " + actual + " (expected " + expected + ")");
        }
    }

    private static int bounded(int count, int max, String what) {
        if (count < 0 || count > max) {
            throw new IllegalArgumentException(what + " count " + count + " outside 0.." + max);
        }
        return count;
    }
}
