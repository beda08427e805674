package lab.kvstore.gc;

import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/**
 * When a tombstone may be deleted. Both conditions must hold:
 * <ol>
 *   <li>every other replica of the partition is known to hold it: it was stored here when an
 *       anti-entropy round of the partition began, every exchange of that round with every other
 *       replica succeeded (an exchange leaves the peer holding at least what we held), and it is
 *       still unchanged here after the round; and</li>
 *   <li>it is older than the hints' age bound, so no hint written before the delete (which could
 *       carry the deleted value) can still be replayed: such hints are dropped, never replayed.</li>
 * </ol>
 * Time alone is never enough (a replica down for longer than any grace period would resurrect the
 * value); the exchange is what proves the replicas have it.
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
