package lab.mq.fanout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import lab.platform.problem.ProblemException;
import lab.platform.problem.ProblemType;
import org.springframework.http.HttpStatus;

/**
 * The node-level cap on subscriber connections (SSE streams and WebSockets together), so that
 * subscribers can never take more of the heap than the node has: a connection past the cap is
 * refused up front (SSE: 503 with {@code Retry-After}; WebSocket: close 1013) and the client
 * goes to another node. A slot is taken before anything is written to the client and given back
 * when the connection's writer ends.
 */
public final class ConnectionLimit {

    public static final ProblemType CONNECTION_LIMIT_REACHED = new ProblemType("connection-limit-reached",
            HttpStatus.SERVICE_UNAVAILABLE, "This node serves as many subscriber connections as it may");

    /** How soon a refused client may try again (any node: the refusal is about this one only). */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    /**
     * Heap the node needs besides its subscribers: about 30 MiB live after GC when idle, plus room
     * for the Kafka clients' fetch and batch buffers, the sequencer's state and garbage under load.
     */
    static final long RESERVED_HEAP_BYTES = 96L << 20;

    /**
     * Heap budgeted per subscriber connection: an idle SSE stream measured 66.5 KiB after GC
     * (docs/message-queue.md, FanOutBenchmark), plus a share of a busy one's queued messages and frames.
     */
    static final long HEAP_PER_CONNECTION_BYTES = 80L << 10;

    static final int MIN_DERIVED_LIMIT = 100;

    /** Tomcat sockets that subscribers may never take, so publishes, probes and admin calls still get in. */
    public static final int SOCKETS_KEPT_FOR_REQUESTS = 1_000;

    private final int limit;
    private final String nodeId;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public ConnectionLimit(int limit, String nodeId) {
        if (limit < 1) {
            throw new IllegalArgumentException("the connection limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.nodeId = nodeId;
    }

    /**
     * The limit to use: {@code configured} when set (above 0), otherwise what the heap holds after
     * {@link #RESERVED_HEAP_BYTES} at {@link #HEAP_PER_CONNECTION_BYTES} each, never more than
     * {@code ceiling} (the sockets the server can give subscribers).
     *
     * @throws IllegalArgumentException when the configured limit is above the ceiling
     */
    public static int resolve(int configured, long maxHeapBytes, int ceiling) {
        if (configured > ceiling) {
            throw new IllegalArgumentException("the subscriber connection limit " + configured
                    + " is above the " + ceiling + " sockets the server can give subscribers");
        }
        if (configured > 0) {
            return configured;
        }
        long derived = (maxHeapBytes - RESERVED_HEAP_BYTES) / HEAP_PER_CONNECTION_BYTES;
        return (int) Math.clamp(derived, Math.min(MIN_DERIVED_LIMIT, ceiling), ceiling);
    }

    /** Takes a slot, or refuses with a problem telling the client to try again (elsewhere). */
    void acquire() {
        int now;
        do {
            now = open.get();
            if (now >= limit) {
                refused.incrementAndGet();
                throw CONNECTION_LIMIT_REACHED.exception(nodeId + " already serves " + limit
                                + " subscriber connections; try again shortly, or another node")
                        .with("limit", limit).retryAfter(RETRY_AFTER);
            }
        } while (!open.compareAndSet(now, now + 1));
    }

    void release() {
        if (open.decrementAndGet() < 0) {
            open.incrementAndGet();
            throw new IllegalStateException("a connection slot was released twice");
        }
    }

    public int limit() {
        return limit;
    }

    /** Slots taken: connections admitted and not yet ended. */
    public int open() {
        return open.get();
    }

    public int refusedTotal() {
        return refused.get();
    }
}
