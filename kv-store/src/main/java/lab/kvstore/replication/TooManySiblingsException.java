package lab.kvstore.replication;

/** A write would leave more siblings than the store allows; nothing was written. */
public class TooManySiblingsException extends RuntimeException {

    private final int siblings;
    private final int limit;

    public TooManySiblingsException(int siblings, int limit) {
        super("the key would have " + siblings + " siblings, the limit is " + limit
                + ": read it and write with its X-Context to resolve them");
        this.siblings = siblings;
        this.limit = limit;
    }

    public int siblings() {
        return siblings;
    }

    public int limit() {
        return limit;
    }
}
