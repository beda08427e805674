package lab.kvstore.version;

/** How two causal histories relate. */
public enum Causality {
    /** The same set of events. */
    EQUAL,
    /** This history contains the other one and more: it supersedes it. */
    DESCENDS,
    /** The other history contains this one and more. */
    PRECEDES,
    /** Each has seen an event the other has not: neither may replace the other. */
    CONCURRENT
}
