package lab.kvstore.replication;

import java.util.List;
import java.util.Map;

/**
 * Fewer replicas than the quorum answered before the deadline.
 *
 * <p>For a write, {@code applied} counts the replicas known to have stored it and
 * {@code indeterminate} says the write may become visible later although it was not
 * acknowledged (some replica stored it, or a forwarded write timed out), as Dynamo and
 * Cassandra warn for a failed write.
 */
public class QuorumNotReachedException extends RuntimeException {

    private final String operation;
    private final int needed;
    private final int answered;
    private final int applied;
    private final boolean indeterminate;
    private final boolean timedOut;
    private final List<String> replicas;
    private final Map<String, String> failures;

    public QuorumNotReachedException(String operation, int needed, int answered, int applied, boolean indeterminate,
                                     boolean timedOut, List<String> replicas, Map<String, String> failures) {
        super(describe(operation, needed, answered, applied, indeterminate, timedOut, failures));
        this.indeterminate = indeterminate;
        this.operation = operation;
        this.needed = needed;
        this.answered = answered;
        this.applied = applied;
        this.timedOut = timedOut;
        this.replicas = List.copyOf(replicas);
        this.failures = Map.copyOf(failures);
    }

    private static String describe(String operation, int needed, int answered, int applied, boolean indeterminate,
                                   boolean timedOut, Map<String, String> failures) {
        String why = timedOut ? "before the deadline" : "(the other replicas failed)";
        String base = operation + " needed " + needed + " replicas, " + answered + " answered " + why;
        if (indeterminate) {
            base += "; the write was stored on at least " + applied
                    + " replica(s) and may still become visible (indeterminate)";
        }
        return failures.isEmpty() ? base : base + "; failures: " + failures;
    }

    public String operation() {
        return operation;
    }

    public int needed() {
        return needed;
    }

    public int answered() {
        return answered;
    }

    public int applied() {
        return applied;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public boolean indeterminate() {
        return indeterminate;
    }

    public List<String> replicas() {
        return replicas;
    }

    public Map<String, String> failures() {
        return failures;
    }
}
