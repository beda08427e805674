package lab.kvstore.streaming;

/** Waits for a time; tests pass one that advances a fake clock instead. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = nanos -> {
        if (nanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        }
    };

    void sleepNanos(long nanos);
}
