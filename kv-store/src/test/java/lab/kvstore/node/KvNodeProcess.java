package lab.kvstore.node;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One kv-store node as a real process from the packaged jar, for single-node integration tests
 * and benchmarks: same DATA_DIR across restarts, SIGKILL for crash tests.
 */
public final class KvNodeProcess implements AutoCloseable {

    private final String nodeId;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    public KvNodeProcess(String nodeId, int port, Path dataDir, Map<String, String> env) throws IOException {
        this.nodeId = nodeId;
        this.port = port;
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
        this.log = Files.createTempFile(nodeId + "-", ".log");
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static Path jar() {
        Path jar = Path.of("target", "kv-store.jar");
        if (!Files.exists(jar)) {
            jar = Path.of("kv-store", "target", "kv-store.jar");
        }
        return jar;
    }

    public KvNodeProcess start(int heapMb) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "--enable-native-access=ALL-UNNAMED",
                "-Dlab.parent-pid=" + ProcessHandle.current().pid(), "-jar", jar().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(env);
        builder.environment().put("NODE_ID", nodeId);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("DATA_DIR", dataDir.toString());
        process = builder.start();
        return this;
    }

    public void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = uri("/actuator/health/readiness");
        Awaitility.await(nodeId + " ready; log " + log).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof IOException)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(nodeId + " exited: " + logTail());
                    }
                    return http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    /** SIGKILL: no shutdown hook, no flush; what survives is what was on disk. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(nodeId + " survived SIGKILL");
        }
    }

    /** One request to this node, its answer's body as bytes; {@code headers} as name, value, name, value… */
    public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
