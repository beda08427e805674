package lab.kvstore.streaming;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What the partition streams of the ring change this node drives have done: per move its state,
 * keys and bytes; totals; and the bytes per second of the last few seconds (the bound's current
 * use). Read by /admin/streaming and the metrics while the streams run.
 */
public final class StreamProgress {

    /** A move's state: pending, streaming, done, or waiting to retry after a failure. */
    public enum State { PENDING, STREAMING, DONE, RETRYING }

    public record MoveView(int partition, String target, List<String> sources, State state, long keys, long bytes,
                           int attempts, String lastError) {
    }

    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private final LongSupplier nanoClock;
    private final Map<String, MoveView> moves = new LinkedHashMap<>();
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    private long bytesStreamed;
    private long keysStreamed;

    public StreamProgress(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    private static String id(PartitionMove move) {
        return move.partition() + ">" + move.target();
    }

    public synchronized void plan(List<PartitionMove> planned) {
        moves.clear();
        planned.forEach(m -> moves.put(id(m), new MoveView(m.partition(), m.target(), m.sources(), State.PENDING, 0, 0, 0, null)));
    }

    synchronized void started(PartitionMove move) {
        MoveView v = moves.get(id(move));
        moves.put(id(move), new MoveView(v.partition(), v.target(), v.sources(), State.STREAMING, 0, 0, v.attempts() + 1, v.lastError()));
    }

    synchronized void moved(PartitionMove move, long keys, long bytes) {
        MoveView v = moves.get(id(move));
        moves.put(id(move), new MoveView(v.partition(), v.target(), v.sources(), v.state(), v.keys() + keys, v.bytes() + bytes,
                v.attempts(), v.lastError()));
        bytesStreamed += bytes;
        keysStreamed += keys;
        recent.addLast(new long[] {nanoClock.getAsLong(), bytes});
    }

    /** Counts bytes read from a source (they use the bound as much as bytes sent). */
    synchronized void read(long bytes) {
        bytesStreamed += bytes;
        recent.addLast(new long[] {nanoClock.getAsLong(), bytes});
    }

    synchronized void finished(PartitionMove move) {
        MoveView v = moves.get(id(move));
        moves.put(id(move), new MoveView(v.partition(), v.target(), v.sources(), State.DONE, v.keys(), v.bytes(), v.attempts(), null));
    }

    synchronized void failed(PartitionMove move, String error) {
        MoveView v = moves.get(id(move));
        moves.put(id(move), new MoveView(v.partition(), v.target(), v.sources(), State.RETRYING, v.keys(), v.bytes(), v.attempts(), error));
    }

    public synchronized List<MoveView> moves() {
        return new ArrayList<>(moves.values());
    }

    public synchronized long partitionsPending() {
        return moves.values().stream().filter(v -> v.state() != State.DONE).count();
    }

    public synchronized long partitionsDone() {
        return moves.values().stream().filter(v -> v.state() == State.DONE).count();
    }

    /** Per target: moves done and planned. */
    public synchronized Map<String, long[]> perTarget() {
        Map<String, long[]> counts = new TreeMap<>();
        moves.values().forEach(v -> {
            long[] c = counts.computeIfAbsent(v.target(), t -> new long[2]);
            c[1]++;
            if (v.state() == State.DONE) {
                c[0]++;
            }
        });
        return counts;
    }

    public synchronized long bytesStreamed() {
        return bytesStreamed;
    }

    public synchronized long keysStreamed() {
        return keysStreamed;
    }

    /** Bytes per second over the last five seconds. */
    public synchronized long recentBytesPerSecond() {
        long now = nanoClock.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst()[0] > RATE_WINDOW_NANOS) {
            recent.removeFirst();
        }
        long bytes = recent.stream().mapToLong(r -> r[1]).sum();
        return bytes * 1_000_000_000L / RATE_WINDOW_NANOS;
    }
}
