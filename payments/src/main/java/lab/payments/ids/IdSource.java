package lab.payments.ids;

/**
 * Where payment, operation, transaction and event IDs come from. DESIGN.md wants them from the
 * id-generator service eventually; until then {@link SegmentIdSource} hands out blocks reserved in
 * PostgreSQL, which are unique across nodes (never a node-local invention that could collide).
 * Swapping in an id-generator client means one more implementation of this interface.
 */
public interface IdSource {

    /** A new ID, unique across every payments node. */
    long nextId();

    default String next(String prefix) {
        return prefix + nextId();
    }
}
