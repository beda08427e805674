package lab.kvstore.gc;

import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/**
 * When a tombstone may be collected: its sibling dropped, the key's causal context kept
 * ({@link lab.kvstore.replication.Replica#collectIfUnchanged}). Both conditions must hold:
 * <ol>
 *   <li>every other replica of the partition is known to hold it: it was stored here when an
 *       anti-entropy round of the partition began, every exchange of that round with every other
 *       replica succeeded (an exchange leaves the peer holding at least what we held), and it is
 *       still unchanged here after the round; and</li>
 *   <li>it is older than the hints' age bound, so the hints written before the delete have
 *       normally been replayed or dropped by then.</li>
 * </ol>
 * Safety does not rest on either condition or on any clock: the kept context covers every write
 * the tombstone superseded, so a late hint, repair or duplicate joins in as nothing, and the next
 * write's dot is minted above every counter the key ever had. The conditions decide when the
 * tombstone shrinks, so that replicas agree on it instead of handing it back and forth.
 */
public final class TombstoneRule {

    private TombstoneRule() {
    }

    /** Condition 2 and "only tombstones left": a candidate to snapshot before a round. */
    public static boolean oldEnough(VersionedValue value, long nowMillis, long hintMaxAgeMillis) {
        if (value.isAbsent() || !value.isDeleted()) {
            return false;
        }
        long newest = value.siblings().values().stream().mapToLong(Sibling::timestampMillis).max().orElse(Long.MAX_VALUE);
        return nowMillis - newest > hintMaxAgeMillis;
    }

    /** Condition 1, checked after the round. */
    public static boolean collectible(VersionedValue snapshot, VersionedValue storedNow, boolean everyExchangeSucceeded) {
        return everyExchangeSucceeded && snapshot.equals(storedNow);
    }
}
