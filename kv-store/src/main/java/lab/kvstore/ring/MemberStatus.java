package lab.kvstore.ring;

/**
 * Where a node stands in the ring. Only the node itself changes its own status (joining and
 * leaving are asked of that node), so every entry has one writer and a merge never conflicts.
 */
public enum MemberStatus {
    /** Announced, partitions streaming to it: in every write set, serves no reads yet. */
    JOINING,
    /** A full member: reads and writes. */
    NORMAL,
    /** Handing its partitions to their next owners: still serves reads and takes writes. */
    LEAVING,
    /** Out of the ring; kept so a restarted node and its peers remember that it left. */
    LEFT;

    /** Part of the ring reads use (the current owners). */
    boolean inCurrentRing() {
        return this == NORMAL || this == LEAVING;
    }

    /** Part of the ring as it will be once the change in progress completes. */
    boolean inNextRing() {
        return this == NORMAL || this == JOINING;
    }
}
