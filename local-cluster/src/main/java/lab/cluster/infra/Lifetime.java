package lab.cluster.infra;

/** How long a server process may live relative to the JVM that launched it. */
public enum Lifetime {
    /**
     * The process dies with the launching JVM, even when that JVM is SIGKILLed: tests must not
     * leave servers behind that hold ports and data dirs.
     */
    BOUND_TO_JVM,
    /**
     * The process outlives the launcher, in its own session: the {@code ./cluster} CLI starts
     * servers and exits, and a later command adopts them again through the pid file.
     */
    INDEPENDENT
}
