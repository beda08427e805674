package lab.kvstore.runtime;

/**
 * The two clocks the replication code reads: a monotonic one for deadlines and durations, and the
 * wall clock for timestamps that are compared across nodes (tombstone and hint ages). Production
 * uses the JVM's; the deterministic simulation gives every node a simulated, possibly skewed one.
 */
public interface NodeClock {

    NodeClock SYSTEM = new NodeClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }
    };

    /** Monotonic nanoseconds, only meaningful as differences on this node. */
    long nanoTime();

    /** Milliseconds since the epoch on this node's wall clock. */
    long millis();
}
