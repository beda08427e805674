package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A standalone ZooKeeper 3.9 server ({@code ZooKeeperServerMain}) in a child JVM, with a
 * {@code zoo.cfg} generated in the data dir: snapshots and transaction logs under
 * {@code <dataDir>/data}, the admin HTTP server off (it would take port 8080, the gateway's),
 * and the four-letter words the probe and operators use allowed. The {@code tickTime} (2 s by
 * default) bounds the session timeouts the server grants to {@code 2..20 × tickTime}; tests that
 * want sessions of a few seconds give a shorter tick.
 */
public final class ZooKeeperServer extends JvmServer {

    private static final int SOCKET_TIMEOUT_MILLIS = 2_000;
    /** ZooKeeper's own default. */
    public static final Duration DEFAULT_TICK_TIME = Duration.ofMillis(2_000);

    private final int port;
    private final Duration tickTime;

    public ZooKeeperServer(Path dataDir, int port, Lifetime lifetime) {
        this(dataDir, port, DEFAULT_TICK_TIME, lifetime);
    }

    /** @param tickTime ZooKeeper's time unit: sessions may last {@code 2..20 × tickTime} */
    public ZooKeeperServer(Path dataDir, int port, Duration tickTime, Lifetime lifetime) {
        super("zookeeper", dataDir, lifetime);
        if (tickTime.toMillis() < 1 || tickTime.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tickTime must be at least 1 ms, got " + tickTime);
        }
        this.port = port;
        this.tickTime = tickTime;
    }

    public Duration tickTime() {
        return tickTime;
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Sends a four-letter word ({@code ruok}, {@code srvr}, {@code mntr}, ...) and returns the answer. */
    public String fourLetterWord(String word) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("four-letter word " + word + " to " + connectString() + " failed", e);
        }
    }

    private Path config() {
        return dataDir().resolve("zoo.cfg");
    }

    @Override
    protected void prepare() throws IOException {
        super.prepare();
        Files.createDirectories(dataDir().resolve("data"));
        Files.writeString(config(), """
                tickTime=%d
                dataDir=%s
                clientPort=%d
                clientPortAddress=127.0.0.1
                maxClientCnxns=0
                admin.enableServer=false
                4lw.commands.whitelist=ruok,srvr,stat,mntr,conf,isro
                autopurge.snapRetainCount=3
                autopurge.purgeInterval=1
                """.formatted(tickTime.toMillis(), dataDir().resolve("data"), port));
    }

    @Override
    protected String mainClass() {
        return "org.apache.zookeeper.server.ZooKeeperServerMain";
    }

    @Override
    protected List<String> arguments() {
        return List.of(config().toString());
    }

    @Override
    protected int heapMegabytes() {
        return 128;
    }

    @Override
    protected int metaspaceMegabytes() {
        return 64;
    }

    /** {@code srvr} names the mode only once the server serves requests (not while loading its database). */
    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.tcp(port).and(() -> fourLetterWord("srvr").contains("Mode: "));
    }
}
