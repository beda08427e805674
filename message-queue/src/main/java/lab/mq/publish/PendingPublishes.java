package lab.mq.publish;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import lab.mq.log.LogRecord;

/**
 * Publishes of this node waiting for the sequencer's answer, by request ID. The materializer
 * completes them when it reads the matching record from {@code mq.messages}. Bounded, so a
 * stalled sequencer turns into fast 503s rather than unbounded memory.
 */
public final class PendingPublishes {

    private final ConcurrentMap<Long, CompletableFuture<LogRecord>> waiting = new ConcurrentHashMap<>();
    private final int capacity;

    public PendingPublishes(int capacity) {
        this.capacity = capacity;
    }

    /** Null when the node already waits for {@code capacity} publishes. */
    public CompletableFuture<LogRecord> register(long requestId) {
        if (waiting.size() >= capacity) {
            return null;
        }
        CompletableFuture<LogRecord> future = new CompletableFuture<>();
        if (waiting.putIfAbsent(requestId, future) != null) {
            throw new IllegalStateException("request ID " + requestId + " is already waiting: an ID was used twice");
        }
        return future;
    }

    public void forget(long requestId) {
        waiting.remove(requestId);
    }

    /** Called for every record read from the log; a record of another node's publish matches nothing here. */
    public void complete(LogRecord record) {
        CompletableFuture<LogRecord> future = waiting.remove(record.requestId());
        if (future != null) {
            future.complete(record);
        }
    }

    public int size() {
        return waiting.size();
    }
}
