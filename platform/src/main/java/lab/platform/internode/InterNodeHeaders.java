package lab.platform.internode;

/** Headers every inter-node call carries, so the receiving node knows who calls and for how long. */
public final class InterNodeHeaders {

    /** The calling node's name; the receiver's dropped-peer fault matches on it. */
    public static final String FROM_NODE = "X-Lab-From-Node";

    /** The caller's remaining budget in milliseconds when it sent the call. */
    public static final String DEADLINE_MILLIS = "X-Lab-Deadline-Millis";

    private InterNodeHeaders() {
    }
}
