package lab.kvstore.membership;

/** A gossip message that breaks a rule of {@link GossipRules}; nothing of it was merged. */
public final class GossipRefusedException extends IllegalArgumentException {

    public GossipRefusedException(String message) {
        super(message);
    }
}
