package lab.idgen.core;

/**
 * The two clocks the generator reads: the wall clock that goes into IDs (which an operator can
 * skew for a drill, and which NTP or a human can set back), and a monotonic clock for deadlines
 * such as the lease's validity, which no wall-clock step can move. Injected so tests can stall,
 * jump and rewind time deterministically.
 */
public interface TimeSource {

    /** Unix time in milliseconds, as IDs use it. */
    long currentMillis();

    /** A monotonic nanosecond counter (only differences are meaningful). */
    long nanoTime();

    /** The machine's clocks. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long currentMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };
}
