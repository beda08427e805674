package lab.cluster.topology;

/** The topology description is invalid, or names a node that does not exist. */
public class TopologyException extends RuntimeException {

    public TopologyException(String message) {
        super(message);
    }
}
