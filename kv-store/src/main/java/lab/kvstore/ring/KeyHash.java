package lab.kvstore.ring;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Positions on the ring: the first 64 bits of MD5, read as an unsigned number. MD5 is what
 * Dynamo and Cassandra's RandomPartitioner use; it is not here for security, only for spread.
 */
public final class KeyHash {

    private KeyHash() {
    }

    public static long of(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(bytes);
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships MD5", e);
        }
    }

    public static long of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }
}
