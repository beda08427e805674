package lab.kvstore.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

/** A YCSB record (field name → bytes) as one value: count, then name and length-prefixed bytes per field. */
final class RecordCodec {

    private RecordCodec() {
    }

    static byte[] encode(Map<String, ByteIterator> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1100 * Math.max(1, fields.size()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(fields.size());
            for (Map.Entry<String, ByteIterator> field : fields.entrySet()) {
                out.writeUTF(field.getKey());
                byte[] value = field.getValue().toArray();
                out.writeInt(value.length);
                out.write(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void decode(byte[] record, Set<String> wanted, Map<String, ByteIterator> result) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                if (wanted == null || wanted.contains(name)) {
                    result.put(name, new ByteArrayByteIterator(value));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
