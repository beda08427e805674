package lab.kvstore.replication;

/**
 * What the replication algorithm reports. The Spring shell binds it to Micrometer; tests use
 * {@link #NONE} or count calls themselves.
 */
public interface KvMetrics {

    KvMetrics NONE = new KvMetrics() {
    };

    /** A client operation finished at this coordinator: {@code type} get/put/delete, its outcome. */
    default void operation(String type, String outcome, long nanos) {
    }

    /** One call from a coordinator to a replica (this node included), and whether it answered. */
    default void replicaCall(String peer, String type, boolean answered, long nanos) {
    }

    /** Siblings returned by one read (1 for a plain value, 0 for absent). */
    default void siblingsRead(int siblings) {
    }

    /** A write left earlier siblings in place, so the key now has several. */
    default void siblingsCreated() {
    }

    /** One local storage write, fsync included. */
    default void storageWrite(long nanos) {
    }

    /** A hint for {@code target} was stored on this node. */
    default void hintWritten(String target) {
    }

    /** A hint for {@code target} was delivered to it and removed. */
    default void hintReplayed(String target) {
    }

    /** A hint for {@code target} was refused or discarded: {@code reason} "full" (bound) or "expired" (age). */
    default void hintDropped(String target, String reason) {
    }

    /** A replica was sent the join of a read: {@code mode} "blocking" (in the read quorum) or "async" (the rest). */
    default void readRepair(String mode) {
    }

    /** A read asked one more replica than it first did: {@code reason} "failed" (a replica refused) or "slow". */
    default void speculativeRead(String reason) {
    }

    /** One anti-entropy exchange of a partition with a peer: outcome "in-sync", "repaired" or "failed". */
    default void antiEntropyExchange(String peer, String outcome, int segmentsDiffering, int keysRepaired) {
    }

    /** Tombstones deleted by the collector. */
    default void tombstonesCollected(int count) {
    }
}
