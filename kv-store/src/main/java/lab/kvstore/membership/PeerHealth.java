package lab.kvstore.membership;

/** The failure detector as the coordinator and handoff see it. */
public interface PeerHealth {

    /** Every peer always usable: part 1's behaviour, and unit tests that script failures themselves. */
    PeerHealth ALWAYS_UP = node -> PeerState.ALIVE;

    PeerState state(String node);

    /** Whether a write should skip the node and go straight to a fallback. */
    default boolean isDown(String node) {
        return state(node) == PeerState.DOWN;
    }
}
