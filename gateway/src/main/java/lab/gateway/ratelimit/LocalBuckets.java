package lab.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The local failure mode: token buckets in the gateway's memory, one per policy and key, with the
 * policy's capacity and refill rate. The gateway is one node, so it enforces the whole policy; the
 * buckets start full, so an outage can admit up to one extra burst per key.
 */
final class LocalBuckets {

    record Verdict(boolean allowed, long remaining, long retryAfterSeconds, long fullInSeconds) {
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final Cache<String, Bucket> buckets;
    private final LongSupplier nanoClock;

    LocalBuckets(long maxKeys, LongSupplier nanoClock) {
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.nanoClock = nanoClock;
    }

    Verdict acquire(PolicyShape policy, String key) {
        Bucket bucket = buckets.get(policy.name() + '\u0000' + key, k -> {
            Bucket full = new Bucket();
            full.tokens = policy.capacity();
            full.updatedNanos = nanoClock.getAsLong();
            return full;
        });
        synchronized (bucket) {
            long now = nanoClock.getAsLong();
            double elapsedSeconds = Math.max(0, now - bucket.updatedNanos) / 1e9;
            bucket.tokens = Math.min(policy.capacity(), bucket.tokens + elapsedSeconds * policy.refillPerSecond());
            bucket.updatedNanos = now;
            boolean allowed = bucket.tokens >= 1;
            if (allowed) {
                bucket.tokens -= 1;
            }
            long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1 - bucket.tokens) / policy.refillPerSecond()));
            long fullIn = (long) Math.ceil((policy.capacity() - bucket.tokens) / policy.refillPerSecond());
            return new Verdict(allowed, (long) Math.floor(bucket.tokens), retryAfter, fullIn);
        }
    }

    void clear() {
        buckets.invalidateAll();
    }
}
