package lab.platform.ids;

/** Where a service takes unique 64-bit IDs from (payment IDs, message IDs). */
public interface IdSource {

    /** The next unused ID; throws {@link IdsUnavailableException} when none can be had now. */
    long nextId();
}
