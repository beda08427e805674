package lab.cluster.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.cluster.infra.Lifetime;
import lab.cluster.infra.LocalServer;
import lab.cluster.infra.ReadinessProbe;
import lab.cluster.infra.StartOrKill;

/**
 * One service node (idgen-1, kv-3) as its own JVM running the module's executable jar, so a
 * kill is a real SIGKILL of a real process. It is ready when its readiness probe says so:
 * the service itself decides when it can serve (holds its lease, joined the ring).
 */
public final class ServiceNode extends LocalServer {

    /**
     * The address a node listens on unless its settings say otherwise ({@code SERVER_ADDRESS}, Spring's
     * {@code server.address}): loopback, so a node on a laptop is reachable from that machine only.
     */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

    private final String service;
    private final Path jar;
    private final int port;
    private final JvmMemory memory;
    private final Map<String, String> environment;
    /** Settings of the start in progress only ({@link #start(Map)}); empty otherwise. */
    private Map<String, String> oneStartEnvironment = Map.of();

    public ServiceNode(String name, String service, Path jar, int port, JvmMemory memory,
                       Map<String, String> environment, Path dataDir, Lifetime lifetime) {
        super(name, dataDir, lifetime);
        this.service = service;
        this.jar = jar;
        this.port = port;
        this.memory = memory;
        this.environment = Map.copyOf(environment);
    }

    public String service() {
        return service;
    }

    public int port() {
        return port;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public JvmMemory memory() {
        return memory;
    }

    /**
     * Starts the node with extra or overriding settings (environment variables) for this start
     * only: a later {@link #start()} runs with the configured settings again. Does not wait for
     * readiness, so a test can start a node that it expects not to become ready.
     */
    public synchronized void start(Map<String, String> extraEnvironment) {
        oneStartEnvironment = Map.copyOf(extraEnvironment);
        try {
            start();
        } finally {
            oneStartEnvironment = Map.of();
        }
    }

    /** {@link #start(Map)} then {@link #awaitReady}; a node that fails to get ready is killed. */
    public ServiceNode startAndAwaitReady(Map<String, String> extraEnvironment, Duration timeout) {
        StartOrKill.run(() -> start(extraEnvironment), () -> awaitReady(timeout), this::kill);
        return this;
    }

    @Override
    protected List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memory.flags());
        command.add("-XX:+UseSerialGC");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dlab.node=" + name());
        command.add(identityMarker());
        if (lifetime() == Lifetime.BOUND_TO_JVM) {
            // The platform's watchdog ends the node when the test JVM goes, even on kill -9.
            command.add("-Dlab.parent-pid=" + ProcessHandle.current().pid());
        }
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_ADDRESS", DEFAULT_BIND_ADDRESS);
        env.putAll(environment);
        env.putAll(oneStartEnvironment);
        env.put("DATA_DIR", dataDir().toString());
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("NODE_ID", name());
        return env;
    }

    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.http(url().resolve("/actuator/health/readiness"));
    }

    @Override
    protected String identityPrefix() {
        return identityMarker();
    }

    @Override
    protected Duration stopTimeout() {
        // Graceful shutdown drains in-flight requests (the kit sets 20 s); give it that and a margin.
        return Duration.ofSeconds(30);
    }

    /** The data directory on the command line: what tells this node's process from any other (ps shows it too). */
    private String identityMarker() {
        return "-Dlab.data-dir=" + dataDir();
    }
}
