package lab.kvstore.replication;

import java.util.concurrent.CompletableFuture;
import lab.kvstore.version.VersionedValue;

/**
 * How a coordinator reaches other replicas. Every call carries its deadline; a failed call
 * completes exceptionally with a {@link ReplicaCallException}. Production uses HTTP through the
 * platform's inter-node client; unit tests use an in-memory transport with scripted failures.
 */
public interface ReplicaTransport {

    /** The replica's stored value for the key ({@link VersionedValue#EMPTY} when it has none). */
    CompletableFuture<VersionedValue> read(String node, String key, long timeoutMillis);

    /** Joins {@code delta} into the replica's value; idempotent, so safe to retry. */
    CompletableFuture<Void> apply(String node, String key, VersionedValue delta, long timeoutMillis);

    /**
     * Asks {@code fallback} to hold {@code delta} durably as a hint for {@code target} and hand
     * it over when the target is back (sloppy quorum); idempotent like {@link #apply}.
     */
    default CompletableFuture<Void> hint(String fallback, String target, String key, VersionedValue delta, long timeoutMillis) {
        return CompletableFuture.failedFuture(new ReplicaCallException(fallback, ReplicaCallException.Kind.UNREACHABLE,
                "this transport does not carry hints", null));
    }

    /** Asks a replica of the key to coordinate a write; not idempotent (it creates a dot). */
    CompletableFuture<WriteResult> forwardWrite(String node, WriteCommand command, long timeoutMillis);
}
