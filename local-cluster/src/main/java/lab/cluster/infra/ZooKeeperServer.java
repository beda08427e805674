package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A standalone ZooKeeper 3.9 server ({@code ZooKeeperServerMain}) in a child JVM, with a
 * {@code zoo.cfg} generated in the data dir: snapshots and transaction logs under
 * {@code <dataDir>/data}, the admin HTTP server off (it would take port 8080, the gateway's),
 * and the four-letter words the probe and operators use allowed.
 */
public final class ZooKeeperServer extends JvmServer {

    private static final int SOCKET_TIMEOUT_MILLIS = 2_000;

    private final int port;

    public ZooKeeperServer(Path dataDir, int port, Lifetime lifetime) {
        super("zookeeper", dataDir, lifetime);
        this.port = port;
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
                tickTime=2000
                dataDir=%s
                clientPort=%d
                clientPortAddress=127.0.0.1
                maxClientCnxns=0
                admin.enableServer=false
                4lw.commands.whitelist=ruok,srvr,stat,mntr,conf,isro
                autopurge.snapRetainCount=3
                autopurge.purgeInterval=1
                """.formatted(dataDir().resolve("data"), port));
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
