package lab.kvstore.replication;

/** A call to a replica that produced no usable answer. */
public class ReplicaCallException extends RuntimeException {

    /** Why: decides whether a non-idempotent call may be sent to someone else instead. */
    public enum Kind {
        /** Nothing reached the replica (connection refused, breaker open): safe to try another. */
        UNREACHABLE,
        /** No answer before the deadline: the replica may or may not have acted. */
        TIMEOUT,
        /** The replica answered with an error. */
        FAILED
    }

    private final String node;
    private final Kind kind;

    public ReplicaCallException(String node, Kind kind, String message, Throwable cause) {
        super(node + ": " + message, cause);
        this.node = node;
        this.kind = kind;
    }

    public String node() {
        return node;
    }

    public Kind kind() {
        return kind;
    }
}
