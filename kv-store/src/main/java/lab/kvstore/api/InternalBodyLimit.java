package lab.kvstore.api;

/**
 * The largest request body a node accepts ({@code lab.http.max-body-bytes}, enforced for every
 * path by the platform), checked against what the store must be able to move between nodes: one
 * key with the most siblings a write may leave ({@code kv.max-siblings}), each holding the
 * largest value the API accepts, with its key, context and the framing of an entries batch.
 * A node configured below that refuses to start, since read repair, anti-entropy and partition
 * streaming of such a key would be refused by every peer (413) and a join or leave would retry
 * forever. Senders split batches by the same number, so they never build a body it refuses.
 */
public record InternalBodyLimit(long maxBodyBytes) {

    /** Bytes a node id takes: the platform's node ids are at most 63 characters of [a-z0-9-]. */
    static final int MAX_NODE_ID_BYTES = 63;
    /**
     * Room for a key's causal context: a version-vector entry per node that ever coordinated a
     * write of the key (2 + id + 8 bytes each) and the dots beyond it; 64 KiB holds about 900.
     */
    static final int CONTEXT_ALLOWANCE_BYTES = 64 * 1024;

    public InternalBodyLimit {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("lab.http.max-body-bytes must be positive: " + maxBodyBytes);
        }
    }

    /** The limit, or an exception saying which setting to raise when it cannot carry a key of {@code maxSiblings} max-size siblings. */
    public static InternalBodyLimit checked(long maxBodyBytes, int maxSiblings) {
        long needed = largestEntryBodyBytes(maxSiblings);
        if (maxBodyBytes < needed) {
            throw new IllegalStateException("lab.http.max-body-bytes is " + maxBodyBytes + " bytes, but a key with kv.max-siblings="
                    + maxSiblings + " siblings of " + KeyRules.MAX_VALUE_BYTES + " bytes takes up to " + needed
                    + " bytes between nodes: raise lab.http.max-body-bytes to at least that, or lower kv.max-siblings");
        }
        return new InternalBodyLimit(maxBodyBytes);
    }

    /** The encoded size of an entries batch holding one key of {@code maxSiblings} siblings of the largest value. */
    public static long largestEntryBodyBytes(int maxSiblings) {
        long sibling = 2 + MAX_NODE_ID_BYTES + Long.BYTES // dot: node id (writeUTF) and counter
                + 1 + Long.BYTES                        // tombstone flag, timestamp
                + 2 + 3L * KeyRules.MAX_CONTENT_TYPE_CHARS // content type (writeUTF: at most 3 bytes a char)
                + Integer.BYTES + KeyRules.MAX_VALUE_BYTES;
        long value = 1 + CONTEXT_ALLOWANCE_BYTES + Integer.BYTES + (long) maxSiblings * sibling;
        return Integer.BYTES                                   // batch count
                + Integer.BYTES + KeyRules.MAX_KEY_BYTES        // key
                + Integer.BYTES + value;                        // value
    }
}
