package lab.ratelimit.redis;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this node reaches Redis ({@code RATELIMIT_REDIS_URI} and friends).
 *
 * @param uri                    the Redis URI, for example {@code redis://127.0.0.1:6379}
 * @param deadlineMillis         the longest a decision waits for Redis before the failure mode takes over
 * @param connectTimeoutMillis   TCP connect bound of one (re)connection attempt
 * @param reconnectMillis        the longest pause between reconnection attempts while Redis is away
 * @param adminDeadlineMillis    deadline of the rare policy reads and writes (a few keys, not one)
 */
@ConfigurationProperties("ratelimit.redis")
public record RedisSettings(String uri, Long deadlineMillis, Long connectTimeoutMillis, Long reconnectMillis,
                            Long adminDeadlineMillis) {

    public RedisSettings {
        uri = uri == null || uri.isBlank() ? "redis://127.0.0.1:6379" : uri.strip();
        deadlineMillis = positive("deadline-millis", deadlineMillis, 50);
        connectTimeoutMillis = positive("connect-timeout-millis", connectTimeoutMillis, 200);
        reconnectMillis = positive("reconnect-millis", reconnectMillis, 500);
        adminDeadlineMillis = positive("admin-deadline-millis", adminDeadlineMillis, 500);
    }

    private static long positive(String name, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new IllegalArgumentException("ratelimit.redis." + name + " must be positive, got " + value);
        }
        return value;
    }
}
