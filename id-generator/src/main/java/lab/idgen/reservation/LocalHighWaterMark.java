package lab.idgen.reservation;

import java.util.function.Consumer;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.TimeSource;

/**
 * Keeps the node's local time high-water mark a window ahead of the IDs it issues: before the
 * generator may issue an ID in a millisecond, that millisecond is below a mark already forced to
 * disk. A restart (even after {@code kill -9} and with the clock set back) starts above the mark,
 * so it cannot reissue an ID. The window trades a disk write every half window against how far
 * ahead of the clock a restarted node may have to start.
 *
 * <p>Called from one scheduler thread ({@link #tick}) and, when a request needs a mark beyond
 * the current one (after a forward clock jump), from that request ({@link #reserveThrough}).
 */
public final class LocalHighWaterMark {

    private final IdGenerator generator;
    private final HighWaterMarkFile file;
    private final TimeSource time;
    private final long windowMillis;
    private final Runnable onWrite;
    private final Consumer<RuntimeException> onFailure;
    private long persisted;
    private int workerId;

    public LocalHighWaterMark(IdGenerator generator, HighWaterMarkFile file, HighWaterMarkFile.Content loaded, TimeSource time,
                              long windowMillis, Runnable onWrite, Consumer<RuntimeException> onFailure) {
        if (windowMillis < 2) {
            throw new IllegalArgumentException("the high-water mark window must be at least 2 ms");
        }
        this.generator = generator;
        this.file = file;
        this.time = time;
        this.windowMillis = windowMillis;
        this.onWrite = onWrite;
        this.onFailure = onFailure;
        this.persisted = loaded.highWaterMarkMillis();
        this.workerId = loaded.lastWorkerId();
    }

    /** Extends the mark when less than half the window is left. */
    public synchronized void tick() {
        generator.observeClock();
        long base = Math.max(time.currentMillis(), generator.lastMillis());
        if (persisted - base < windowMillis / 2) {
            persist(base + windowMillis);
        }
    }

    /** Makes sure IDs up to {@code millis} may be issued; false when the disk refused. */
    public synchronized boolean reserveThrough(long millis) {
        if (millis <= persisted) {
            return true;
        }
        try {
            persist(Math.max(millis, time.currentMillis()) + windowMillis);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Remembers the worker ID the node holds, so it asks for it again after a restart. */
    public synchronized void rememberWorker(int id) {
        if (id != workerId) {
            workerId = id;
            persist(persisted);
        }
    }

    /**
     * At shutdown, after the generator stopped issuing: the exact time of the last ID replaces the
     * reservation, so the next start does not have to begin ahead of the clock.
     */
    public synchronized void persistFinal(long lastIssuedMillis) {
        if (lastIssuedMillis < persisted) {
            store(lastIssuedMillis);
        }
    }

    public synchronized long persistedMillis() {
        return persisted;
    }

    public long windowMillis() {
        return windowMillis;
    }

    private void persist(long mark) {
        store(mark);
        generator.raiseLocalLimit(mark);
    }

    private void store(long mark) {
        try {
            file.store(new HighWaterMarkFile.Content(mark, workerId));
        } catch (RuntimeException e) {
            onFailure.accept(e);
            throw e;
        }
        persisted = mark;
        onWrite.run();
    }
}
