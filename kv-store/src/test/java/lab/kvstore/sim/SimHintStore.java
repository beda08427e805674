package lab.kvstore.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import lab.kvstore.handoff.Hint;
import lab.kvstore.handoff.HintBounds;
import lab.kvstore.handoff.HintStore;
import lab.kvstore.version.VersionedValue;

/**
 * The hint store's model: like RocksDbHintStore every add and remove is synced before it returns,
 * so a crash loses nothing that was acknowledged. Survives the simulated node's restarts; the
 * creation time comes from the holder's (possibly skewed) clock, as in production.
 */
final class SimHintStore implements HintStore {

    private final TreeMap<String, TreeMap<Long, Hint>> byTarget = new TreeMap<>();
    private final HintBounds bounds;
    private LongSupplier clockMillis;
    private long sequence;

    SimHintStore(HintBounds bounds, LongSupplier clockMillis) {
        this.bounds = bounds;
        this.clockMillis = clockMillis;
    }

    /** The restarted node's clock (its skew may have changed). */
    void clock(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public boolean add(String target, byte[] key, VersionedValue value) {
        TreeMap<Long, Hint> queue = byTarget.computeIfAbsent(target, t -> new TreeMap<>());
        if (queue.size() >= bounds.maxHints()) {
            return false;
        }
        Hint hint = new Hint(++sequence, target, key.clone(), value, clockMillis.getAsLong());
        queue.put(hint.sequence(), hint);
        return true;
    }

    @Override
    public List<Hint> oldest(String target, int limit) {
        List<Hint> out = new ArrayList<>();
        for (Hint hint : byTarget.getOrDefault(target, new TreeMap<>()).values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(hint);
        }
        return out;
    }

    @Override
    public void remove(Hint hint) {
        TreeMap<Long, Hint> queue = byTarget.get(hint.target());
        if (queue != null) {
            queue.remove(hint.sequence());
            if (queue.isEmpty()) {
                byTarget.remove(hint.target());
            }
        }
    }

    @Override
    public Map<String, Pending> pending() {
        Map<String, Pending> out = new TreeMap<>();
        byTarget.forEach((target, queue) -> out.put(target,
                new Pending(queue.size(), queue.values().stream().mapToLong(Hint::sizeBytes).sum())));
        return out;
    }

    @Override
    public HintBounds bounds() {
        return bounds;
    }

    int size() {
        return byTarget.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void close() {
    }
}
