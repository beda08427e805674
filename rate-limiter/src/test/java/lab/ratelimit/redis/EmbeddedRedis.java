package lab.ratelimit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A real redis-server process (from the embedded-redis jar) on a free port, without persistence,
 * that a test can stop and start again on the same port to play a Redis outage.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final int port;
    private RedisServer server;
    private boolean running;

    public EmbeddedRedis() {
        this(freePort());
    }

    public EmbeddedRedis(int port) {
        this.port = port;
        start();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void start() {
        try {
            server = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            running = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on port " + port, e);
        }
    }

    /** Stops the server; everything it held is gone, as after a crash of a Redis without persistence. */
    public synchronized void stop() {
        try {
            server.stop();
            running = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again unless it runs, for tests that must leave Redis up whatever happened. */
    public synchronized void ensureRunning() {
        if (!running) {
            start();
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
