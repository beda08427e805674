package lab.kvstore.membership;

/** What this node believes about a peer, from its phi value. */
public enum PeerState {
    /** No heartbeat received since this node started: no evidence either way. */
    UNKNOWN,
    /** phi below the suspect threshold. */
    ALIVE,
    /** phi between the suspect and the down thresholds: still used, but watched. */
    SUSPECT,
    /** phi at or above the down threshold: writes go to a fallback with a hint, hints are not replayed to it. */
    DOWN
}
