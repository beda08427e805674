package lab.mq.publish;

/** Where a publish gets its message ID. */
public interface IdSource {

    /** The next unused ID; throws {@link IdsUnavailableException} when none can be had now. */
    long nextId();

    /** IDs in hand, ready to be used without a call. */
    int available();
}
