package lab.kvstore.handoff;

import java.util.List;
import java.util.Map;
import lab.kvstore.version.VersionedValue;

/** Durable, bounded queues of hints, one per target node. */
public interface HintStore extends AutoCloseable {

    /** Pending hints and their bytes for one target. */
    record Pending(long hints, long bytes) {
    }

    /**
     * Stores a hint durably (it survives kill -9 when this returns true). Returns false, storing
     * nothing, when the target's queue is at its count or byte bound.
     */
    boolean add(String target, byte[] key, VersionedValue value);

    /** The oldest hints for a target, at most {@code limit}. */
    List<Hint> oldest(String target, int limit);

    void remove(Hint hint);

    /** Every target with something pending. */
    Map<String, Pending> pending();

    HintBounds bounds();

    @Override
    void close();
}
