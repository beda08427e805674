package lab.idgen.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One id-generator node as its own JVM process, started from the packaged jar the way the local
 * cluster starts it (NODE_ID, SERVER_PORT, DATA_DIR, ADMIN_TOKEN, IDGEN_ZOOKEEPER_CONNECT), so
 * that {@link #kill()} is a real SIGKILL. The node exits with the test JVM ({@code lab.parent-pid}).
 */
public final class IdgenNodeProcess implements AutoCloseable {

    public static final String TOKEN = "multi-node-admin-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final int port;
    private final Path dataDir;
    private final Path logDir;
    private final String zookeeper;
    private final List<String> settings;
    private final List<String> jvmArgs;
    private final HttpClient http;
    private Process process;
    private Path log;
    private int starts;

    /** Test nodes: a small heap and quick start-up (C1 only). */
    public static final List<String> TEST_JVM = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1");

    /** @param settings extra Spring properties, {@code name=value} */
    public IdgenNodeProcess(String name, int port, Path dataDir, Path logDir, String zookeeper, List<String> settings) {
        this(name, port, dataDir, logDir, zookeeper, settings, TEST_JVM);
    }

    public IdgenNodeProcess(String name, int port, Path dataDir, Path logDir, String zookeeper, List<String> settings,
                            List<String> jvmArgs) {
        this.name = name;
        this.port = port;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.zookeeper = zookeeper;
        this.settings = List.copyOf(settings);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    public void start(String... extraSettings) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Files.createDirectories(logDir);
        log = logDir.resolve(name + "-" + (++starts) + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-Dlab.parent-pid=" + ProcessHandle.current().pid(),
                "-jar", Path.of("target", "id-generator.jar").toAbsolutePath().toString()));
        for (String setting : settings) {
            command.add("--" + setting);
        }
        for (String setting : extraSettings) {
            command.add("--" + setting);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"));
        Map<String, String> env = builder.environment();
        env.put("NODE_ID", name);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("DATA_DIR", dataDir.toString());
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("IDGEN_ZOOKEEPER_CONNECT", zookeeper);
        process = builder.start();
    }

    public void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + "; log:\n" + logTail());
            }
            if (readinessStatus() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " not ready after " + timeout + "; log:\n" + logTail());
    }

    public int readinessStatus() {
        try {
            return send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).GET()).statusCode();
        } catch (IOException notListening) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook, no lease release, no final high-water mark. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: graceful shutdown. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer to one {@code POST /ids}: either IDs or a problem. */
    public record Answer(int status, long[] ids, int workerId, String problemType, String retryAfter, long sentNanos, long receivedNanos) {
    }

    public Answer issue(int count) throws IOException, InterruptedException {
        long sent = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/ids?count=" + count)).POST(HttpRequest.BodyPublishers.noBody()));
        long received = System.nanoTime();
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            return new Answer(response.statusCode(), new long[0], -1, body.path("type").asString(""),
                    response.headers().firstValue("Retry-After").orElse(null), sent, received);
        }
        JsonNode ids = body.get("ids");
        long[] values = new long[ids.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Long.parseLong(ids.get(i).asString());
        }
        return new Answer(200, values, body.get("workerId").asInt(), null, null, sent, received);
    }

    public JsonNode lease() throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(uri("/admin/lease")).header("Authorization", "Bearer " + TOKEN).GET()).body());
    }

    public int setFaults(String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/admin/faults")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))).statusCode();
    }

    public int clearFaults() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/admin/faults")).header("Authorization", "Bearer " + TOKEN).DELETE()).statusCode();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("port", Integer.toString(port));
        d.put("log", String.valueOf(log));
        return d;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
