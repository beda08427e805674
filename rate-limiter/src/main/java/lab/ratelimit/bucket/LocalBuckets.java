package lab.ratelimit.bucket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets held in this node's memory: the {@code local} failure mode. Each key's state is
 * the same two numbers the Redis script keeps, updated under the key's lock. The map is bounded
 * (oldest keys go first) and idle keys expire, so a flood of distinct keys cannot exhaust the heap;
 * a key that was evicted comes back as a full bucket, which is what its state would be after
 * being idle that long anyway.
 */
public final class LocalBuckets {

    private final Cache<String, Slot> slots;
    private final LongSupplier nowMicros;

    public LocalBuckets(long maxKeys, Duration idleExpiry, LongSupplier nowMicros) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive, got " + maxKeys);
        }
        this.slots = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idleExpiry).build();
        this.nowMicros = nowMicros;
    }

    public Decision decide(String bucketKey, BucketConfig config, long permits, boolean consume) {
        Slot slot = slots.get(bucketKey, k -> new Slot());
        synchronized (slot) {
            TokenBucket.Outcome outcome = TokenBucket.decide(config, slot.state, permits, consume, nowMicros.getAsLong());
            slot.state = outcome.next();
            return outcome.decision();
        }
    }

    public long size() {
        return slots.estimatedSize();
    }

    private static final class Slot {
        private BucketState state;
    }
}
