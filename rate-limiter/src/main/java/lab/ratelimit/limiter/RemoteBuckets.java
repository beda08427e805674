package lab.ratelimit.limiter;

import lab.ratelimit.bucket.BucketConfig;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.redis.RedisUnavailableException;

/** The shared buckets every node decides against (Redis in the service). */
@FunctionalInterface
public interface RemoteBuckets {

    Decision decide(String bucketKey, BucketConfig config, long permits, boolean consume) throws RedisUnavailableException;
}
