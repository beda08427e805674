package lab.cluster.prometheus;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import lab.cluster.infra.Lifetime;
import lab.cluster.infra.LocalServer;
import lab.cluster.infra.ReadinessProbe;
import lab.cluster.node.ServiceNode;

/**
 * Prometheus from the machine's PATH (Debian: {@code apt-get install prometheus}), scraping every
 * service node of the run every 5 s like the compose setup does. It is optional: the cluster
 * runs without it and {@code ./cluster up} says how to get it.
 */
public final class PrometheusServer extends LocalServer {

    private final Path binary;
    private final int port;
    private final List<ServiceNode> targets;
    private final Path rulesDir;

    public PrometheusServer(Path binary, int port, List<ServiceNode> targets, Path rulesDir, Path dataDir, Lifetime lifetime) {
        super("prometheus", dataDir, lifetime);
        this.binary = binary;
        this.port = port;
        this.targets = List.copyOf(targets);
        this.rulesDir = rulesDir;
    }

    /** The prometheus binary on PATH, if any. */
    public static Optional<Path> findOnPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(dataDir());
        Files.writeString(dataDir().resolve("prometheus.yml"), ScrapeConfig.render(targets, rulesDir));
    }

    @Override
    protected List<String> command() {
        return List.of(binary.toString(),
                "--config.file=" + dataDir().resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dataDir().resolve("tsdb"),
                "--storage.tsdb.retention.time=2d",
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle");
    }

    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.http(url().resolve("/-/ready"));
    }

    @Override
    protected String identityPrefix() {
        return "--config.file=" + dataDir().resolve("prometheus.yml");
    }
}
