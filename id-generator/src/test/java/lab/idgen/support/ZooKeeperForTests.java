package lab.idgen.support;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper 3.9 server (Curator's {@code TestingServer}: the ZooKeeper server classes
 * with a data directory), with a short tick so sessions of a few seconds are allowed
 * ({@code 2 x tick .. 20 x tick}). It can be stopped and restarted on the same port with its
 * data, as a drill needs.
 */
public final class ZooKeeperForTests implements Closeable {

    public static final int TICK_MILLIS = 500;

    private final TestingServer server;

    public ZooKeeperForTests() throws Exception {
        Path dataDir = Files.createTempDirectory("idgen-zk");
        InstanceSpec spec = new InstanceSpec(dataDir.toFile(), InstanceSpec.getRandomPort(), -1, -1, true, 1, TICK_MILLIS, -1);
        server = new TestingServer(spec, true);
    }

    public String connectString() {
        return "127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** Stops the server; its data stays for {@link #restart()}. */
    public void stop() throws IOException {
        server.stop();
    }

    public void restart() throws Exception {
        server.restart();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
