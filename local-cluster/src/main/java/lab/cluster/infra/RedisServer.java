package lab.cluster.infra;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A Redis 6.2 server: the linux-amd64 {@code redis-server} binary shipped inside
 * {@code com.github.codemonstur:embedded-redis}, unpacked once into the binary cache and run
 * with a {@code redis.conf} written into the data dir. No persistence ({@code save ""},
 * no AOF): the lab uses Redis as a cache and rate-limit store, and losing it on a kill is the
 * behaviour the drills show.
 */
public final class RedisServer extends LocalServer {

    /** The binary's name inside the embedded-redis jar; it names the version too. */
    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final int port;

    public RedisServer(Path dataDir, int port, Lifetime lifetime) {
        super("redis", dataDir, lifetime);
        this.port = port;
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    private Path config() {
        return dataDir().resolve("redis.conf");
    }

    @Override
    protected void prepare() throws IOException {
        // set-proc-title no: Redis would otherwise rewrite its command line to
        // "redis-server 127.0.0.1:6379", and attach() recognises the process by the config path in it.
        Files.writeString(config(), """
                port %d
                bind 127.0.0.1
                protected-mode yes
                daemonize no
                save ""
                appendonly no
                dir %s
                set-proc-title no
                """.formatted(port, dataDir()));
    }

    @Override
    protected List<String> command() {
        return List.of(binary().toString(), config().toString());
    }

    /** Redis listens only once initialised, and with no persistence there is nothing to load. */
    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.tcp(port);
    }

    private static Path binary() {
        return BinaryCache.directory(BINARY, dir -> {
            Path target = dir.resolve("redis-server");
            BinaryCache.copyResource(BINARY, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }).resolve("redis-server");
    }
}
