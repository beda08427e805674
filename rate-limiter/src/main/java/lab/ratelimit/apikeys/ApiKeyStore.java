package lab.ratelimit.apikeys;

import io.lettuce.core.ScriptOutputType;
import java.util.Set;
import java.util.TreeSet;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisUnavailableException;

/**
 * The ids of the API keys the gateway issued (SHA-256 of each key, never the key), one Redis set
 * shared by every gateway instance. Bounded: an issue beyond {@link #MAX_KEYS} is refused, so the
 * set every gateway re-reads stays small.
 */
public final class ApiKeyStore {

    public static final String SET = "ratelimit:api-keys";
    public static final int MAX_KEYS = 10_000;

    /** Adds ARGV[1] unless the set is full; 1 added or already there, 0 full. */
    private static final String ADD = """
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
            if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('SADD', KEYS[1], ARGV[1])
            return 1
            """;

    private final GuardedRedis redis;
    private final long deadlineMillis;

    public ApiKeyStore(GuardedRedis redis, long deadlineMillis) {
        this.redis = redis;
        this.deadlineMillis = deadlineMillis;
    }

    public static boolean isId(String text) {
        return text != null && text.length() == 64 && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** Records an issued key's id; false when the store is full. */
    public boolean add(String id) throws RedisUnavailableException {
        long added = redis.call(deadlineMillis, r -> r.<Long>eval(ADD, ScriptOutputType.INTEGER, new String[] {SET},
                id, Integer.toString(MAX_KEYS)));
        return added == 1;
    }

    /** Forgets a key's id; false when it was not there. */
    public boolean remove(String id) throws RedisUnavailableException {
        return redis.call(deadlineMillis, r -> r.srem(SET, id)) == 1;
    }

    public Set<String> ids() throws RedisUnavailableException {
        Set<String> members = redis.call(deadlineMillis, r -> r.smembers(SET));
        return new TreeSet<>(members);
    }
}
