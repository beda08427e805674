package lab.kvstore.storage;

import java.nio.ByteBuffer;

/** The engine key of a replica key: its partition as two big-endian bytes, then the key's UTF-8 bytes. */
final class StorageKey {

    private StorageKey() {
    }

    static byte[] of(int partition, byte[] key) {
        if (partition < 0 || partition > 0xFFFF) {
            throw new IllegalArgumentException("partition " + partition + " does not fit the two-byte prefix");
        }
        return ByteBuffer.allocate(2 + key.length).putShort((short) partition).put(key).array();
    }
}
