package lab.ratelimit.policy;

import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.ratelimit.redis.GuardedRedis;
import lab.ratelimit.redis.RedisUnavailableException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster's policies in Redis: a hash of JSON documents by name plus a version counter.
 * Every change is one script that writes the hash, bumps the version and publishes the new
 * version on {@link #CHANNEL}, so a reader never sees a change without its version and every
 * subscribed node hears of it at once. Nodes that missed a message (reconnecting) catch up on
 * their periodic refresh.
 */
public final class PolicyStore {

    public static final String HASH = "ratelimit:policies";
    public static final String VERSION = "ratelimit:policies:version";
    public static final String CHANNEL = "ratelimit:policies:changed";

    private static final String READ = """
            return { redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1]) }
            """;
    private static final String PUT = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local version = redis.call('INCR', KEYS[2])
            redis.call('PUBLISH', ARGV[3], version)
            return version
            """;
    private static final String DELETE = """
            if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return -1 end
            local version = redis.call('INCR', KEYS[2])
            redis.call('PUBLISH', ARGV[2], version)
            return version
            """;
    /** Writes a whole set only into an empty store (a fresh or restarted Redis); returns 0 when one was there. */
    private static final String SEED = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            redis.call('DEL', KEYS[1])
            for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('SET', KEYS[2], ARGV[1])
            redis.call('PUBLISH', ARGV[2], ARGV[1])
            return tonumber(ARGV[1])
            """;

    private final GuardedRedis redis;
    private final long deadlineMillis;
    private final JsonMapper json = JsonMapper.shared();

    public PolicyStore(GuardedRedis redis, long deadlineMillis) {
        this.redis = redis;
        this.deadlineMillis = deadlineMillis;
    }

    /** The stored set; version 0 means the store is empty (never seeded, or Redis lost its data). */
    public PolicySet read() throws RedisUnavailableException {
        List<Object> reply = redis.call(deadlineMillis, r -> r.<List<Object>>eval(READ, ScriptOutputType.MULTI,
                new String[] {HASH, VERSION}));
        long version = Long.parseLong((String) reply.get(0));
        @SuppressWarnings("unchecked")
        List<Object> flat = (List<Object>) reply.get(1);
        Map<String, Policy> policies = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String name = (String) flat.get(i);
            policies.put(name, decode(name, (String) flat.get(i + 1)));
        }
        return new PolicySet(version, policies, "redis", Instant.now());
    }

    /** Creates or replaces one policy; returns the new version. */
    public long put(Policy policy) throws RedisUnavailableException {
        return redis.call(deadlineMillis, r -> r.<Long>eval(PUT, ScriptOutputType.INTEGER, new String[] {HASH, VERSION},
                policy.name(), encode(policy), CHANNEL));
    }

    /** Removes one policy; returns the new version, or -1 when there was no such policy. */
    public long delete(String name) throws RedisUnavailableException {
        return redis.call(deadlineMillis, r -> r.<Long>eval(DELETE, ScriptOutputType.INTEGER, new String[] {HASH, VERSION},
                name, CHANNEL));
    }

    /** Seeds an empty store with {@code set} at {@code version}; returns false when the store already held a set. */
    public boolean seedIfEmpty(PolicySet set, long version) throws RedisUnavailableException {
        if (version < 1) {
            throw new IllegalArgumentException("a seeded set needs a version of at least 1, got " + version);
        }
        List<String> args = new ArrayList<>(List.of(Long.toString(version), CHANNEL));
        set.policies().values().forEach(p -> {
            args.add(p.name());
            args.add(encode(p));
        });
        long written = redis.call(deadlineMillis, r -> r.<Long>eval(SEED, ScriptOutputType.INTEGER,
                new String[] {HASH, VERSION}, args.toArray(String[]::new)));
        return written > 0;
    }

    String encode(Policy policy) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capacity", policy.capacity());
        body.put("refillPerSecond", policy.refillPerSecond());
        body.put("failureMode", policy.failureMode().label());
        body.put("visibility", policy.visibility().label());
        return json.writeValueAsString(body);
    }

    Policy decode(String name, String document) {
        JsonNode node = json.readTree(document);
        return new Policy(name, node.path("capacity").asLong(), node.path("refillPerSecond").asDouble(),
                FailureMode.parse(node.path("failureMode").asString()),
                // A document written before policies had a visibility is internal: nothing becomes public by itself.
                Visibility.parse(node.hasNonNull("visibility") ? node.get("visibility").asString() : null));
    }
}
