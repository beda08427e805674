package lab.platform.internode;

/** A call that produced no answer from the peer: why, and after how many attempts. */
public class InterNodeException extends RuntimeException {

    /** Why no answer came; also the {@code outcome} tag of {@code lab.internode.requests}. */
    public enum Failure {
        TIMEOUT("timeout"),
        CONNECT_FAILED("connect-error"),
        CIRCUIT_OPEN("circuit-open"),
        IO_ERROR("io-error"),
        INTERRUPTED("interrupted");

        private final String tag;

        Failure(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final Peer peer;
    private final Failure failure;
    private final int attempts;

    public InterNodeException(Peer peer, Failure failure, int attempts, String message, Throwable cause) {
        super(peer.nodeId() + ": " + message, cause);
        this.peer = peer;
        this.failure = failure;
        this.attempts = attempts;
    }

    public Peer peer() {
        return peer;
    }

    public Failure failure() {
        return failure;
    }

    public int attempts() {
        return attempts;
    }
}
