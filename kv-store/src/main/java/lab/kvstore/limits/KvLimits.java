package lab.kvstore.limits;

/**
 * Every bound the store puts on what a client or a peer may send it, in one place. A request
 * past one of them is a 4xx problem and changes nothing. The numbers are far above what the
 * store itself ever sends, and far below what would overflow or exhaust memory.
 */
public final class KvLimits {

    /**
     * Longest {@code X-Context} token, in characters. A context names at most every ring member
     * once in its vector, plus its out-of-order dots: a few kilobytes at most. (Tomcat's own header
     * limit, 8 KiB for all headers together, would cut a longer one anyway.)
     */
    public static final int MAX_CONTEXT_TOKEN_CHARS = 6 * 1024;

    /** Most out-of-order dots a client context may carry (the store keeps at most 16 siblings per key). */
    public static final int MAX_CONTEXT_CLOUD_DOTS = 64;

    /**
     * Highest counter a client context may state: half of {@code Long.MAX_VALUE}, so no increment
     * of it can overflow. A replica never lets one write move a key's counter further than
     * {@code ContextClaims.MAX_COUNTER_AHEAD} (2^20) past what it holds, so reaching this bound
     * would take 2^42 writes to one key.
     */
    public static final long MAX_CONTEXT_COUNTER = Long.MAX_VALUE / 2;

    /** Most members a ring state may have (every node that ever joined, left ones included). */
    public static final int MAX_RING_MEMBERS = 256;

    /** Longest node name, in characters (a DNS label). */
    public static final int MAX_NODE_NAME_CHARS = 63;

    /** Highest member version: a member's entry changes version once per join, leave or completion. */
    public static final long MAX_MEMBER_VERSION = 1L << 32;

    /** Highest heartbeat counter: one a gossip round (twice a second) is 17 000 years. */
    public static final long MAX_HEARTBEAT_VERSION = 1L << 40;

    /**
     * How far in this node's future a heartbeat generation (its node's start time, epoch millis)
     * may be: clocks of a cluster's nodes differ by far less than a day. A generation further
     * ahead would outrank every real heartbeat of that node for the whole difference.
     */
    public static final long MAX_GENERATION_AHEAD_MILLIS = 24L * 60 * 60 * 1000;

    /** Largest gossip message accepted, in bytes: one heartbeat and one ring line per member. */
    public static final int MAX_GOSSIP_BYTES = 256 * 1024;

    /** Most leaves of one partition's Merkle tree an anti-entropy exchange may ask for (a power of two). */
    public static final int MAX_MERKLE_SEGMENTS = 4096;

    /** Most entries one anti-entropy push may carry; its bytes are bounded by {@code lab.http.max-body-bytes}. */
    public static final int MAX_ENTRIES_PER_PUSH = 10_000;

    private KvLimits() {
    }
}
