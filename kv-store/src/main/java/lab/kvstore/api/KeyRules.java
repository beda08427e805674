package lab.kvstore.api;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import lab.kvstore.replication.HttpReplicaTransport;

/** What the public API accepts as a key. */
final class KeyRules {

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_VALUE_BYTES = 1024 * 1024;
    static final int MAX_CONTENT_TYPE_CHARS = 255;

    private KeyRules() {
    }

    /** The key's UTF-8 bytes; a 400 problem when the key is empty, too long or not valid Unicode. */
    static byte[] keyBytes(String key) {
        if (key == null || key.isEmpty()) {
            throw KvProblems.INVALID_KEY.exception("the key is empty: use /kv/{key} with 1 to " + MAX_KEY_BYTES + " bytes of UTF-8");
        }
        byte[] bytes;
        try {
            // A strict encoder: a lone surrogate (from a malformed %-escape) is an error, not a '?'.
            bytes = toBytes(StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(key)));
        } catch (CharacterCodingException e) {
            throw KvProblems.INVALID_KEY.exception("the key is not valid UTF-8 text");
        }
        if (bytes.length > MAX_KEY_BYTES) {
            throw KvProblems.INVALID_KEY.exception("the key is " + bytes.length + " bytes of UTF-8, the limit is " + MAX_KEY_BYTES)
                    .with("keyBytes", bytes.length).with("limit", MAX_KEY_BYTES);
        }
        return bytes;
    }

    /** The key of an internal path (base64url of its UTF-8 bytes), held to the same rules. */
    static byte[] internalKeyBytes(String encodedKey) {
        try {
            return keyBytes(HttpReplicaTransport.decodeKey(encodedKey));
        } catch (IllegalArgumentException e) {
            throw KvProblems.INVALID_KEY.exception("the key in an internal path must be base64url: " + e.getMessage());
        }
    }

    private static byte[] toBytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
