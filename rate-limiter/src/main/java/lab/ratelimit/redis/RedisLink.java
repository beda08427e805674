package lab.ratelimit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connections to Redis: one multiplexed connection for commands (Lettuce pipelines
 * every caller over it) and one for pub/sub. Neither blocks a caller while Redis is away:
 * commands issued while disconnected are rejected at once instead of queued, every command
 * times out after the deadline, and reconnection runs in the background with a capped backoff.
 * A node that starts while Redis is down keeps trying ({@link #connectIfNeeded()}) and serves its
 * failure modes meanwhile.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final RedisClient client;
    private final ClientResources resources;
    private final Map<String, Consumer<String>> subscriptions = new ConcurrentHashMap<>();
    private final String address;
    private final AtomicReference<StatefulRedisConnection<String, String>> commands = new AtomicReference<>();
    private final AtomicReference<StatefulRedisPubSubConnection<String, String>> pubSub = new AtomicReference<>();

    public RedisLink(RedisSettings settings) {
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofMillis(settings.reconnectMillis()), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(settings.uri());
        this.address = uri.getHost() + ":" + uri.getPort();
        uri.setTimeout(Duration.ofMillis(settings.adminDeadlineMillis()));
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(settings.connectTimeoutMillis()))
                        .keepAlive(true)
                        .build())
                // The last line of defence: no command outlives the admin deadline even if a caller forgets its own.
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(settings.adminDeadlineMillis())))
                .build());
    }

    /** Opens whatever connection is missing; Lettuce itself re-opens one that was open once. */
    public void connectIfNeeded() {
        if (commands.get() == null) {
            try {
                commands.compareAndSet(null, client.connect());
                log.info("Connected to Redis at {}", address);
            } catch (RuntimeException e) {
                log.debug("Redis not reachable yet: {}", e.getMessage());
            }
        }
        if (pubSub.get() == null && commands.get() != null && !subscriptions.isEmpty()) {
            try {
                StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
                connection.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        Consumer<String> handler = subscriptions.get(channel);
                        if (handler != null) {
                            handler.accept(message);
                        }
                    }
                });
                // Lettuce re-subscribes these channels by itself after a reconnect.
                connection.sync().subscribe(subscriptions.keySet().toArray(String[]::new));
                pubSub.compareAndSet(null, connection);
            } catch (RuntimeException e) {
                log.debug("Redis pub/sub not reachable yet: {}", e.getMessage());
            }
        }
    }

    /**
     * Calls {@code onMessage} (on Lettuce's I/O thread: hand work off, never block) for every message
     * on {@code channel}. Register before the first {@link #connectIfNeeded()}.
     */
    public void subscribe(String channel, Consumer<String> onMessage) {
        subscriptions.put(channel, onMessage);
    }

    /** The async command API, or an exception when no connection was ever established. */
    public RedisAsyncCommands<String, String> async() throws RedisUnavailableException {
        StatefulRedisConnection<String, String> connection = commands.get();
        if (connection == null || !connection.isOpen()) {
            throw new RedisUnavailableException("not connected to Redis", null, Delivery.NOT_SENT);
        }
        return connection.async();
    }

    public boolean isConnected() {
        StatefulRedisConnection<String, String> connection = commands.get();
        return connection != null && connection.isOpen();
    }

    /** host:port of Redis, for logs and the status endpoint (never the password). */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        StatefulRedisPubSubConnection<String, String> p = pubSub.getAndSet(null);
        if (p != null) {
            p.close();
        }
        StatefulRedisConnection<String, String> c = commands.getAndSet(null);
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
