package lab.idgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import lab.idgen.support.ZooKeeperForTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged service starts with {@code java -jar}, leases a worker ID and serves the kit's health and metrics. */
class ExecutableJarIT {

    private Process process;
    private ZooKeeperForTests zookeeper;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Test
    void jarServesReadinessAndTaggedMetrics() throws Exception {
        Path jar = Path.of("target", "id-generator.jar");
        assertThat(jar).exists();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("idgen-jar", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dlab.parent-pid=" + ProcessHandle.current().pid(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().put("NODE_ID", "idgen-9");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        zookeeper = new ZooKeeperForTests();
        builder.environment().put("IDGEN_ZOOKEEPER_CONNECT", zookeeper.connectString());
        builder.environment().put("DATA_DIR", Files.createTempDirectory("idgen-jar-data").toString());
        process = builder.start();

        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        HttpResponse<String> ready = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                ready = http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notListeningYet) {
                // Poll again: the JVM is still starting.
            }
            Thread.sleep(200);
        }
        assertThat(ready).as("readiness answered; log:\n" + Files.readString(log)).isNotNull();
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"");

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("jvm_memory_used_bytes{application=\"id-generator\"")
                .contains("node=\"idgen-9\"")
                .contains("lab_faults_active{application=\"id-generator\",kind=\"latency\",node=\"idgen-9\"} 0.0");

        HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).contains("\"node\":\"idgen-9\"").contains("/problems/not-found");
        HttpResponse<String> ids = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ids?count=2"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ids.statusCode()).isEqualTo(200);
        assertThat(ids.body()).startsWith("{\"ids\":[\"").contains("\"node\":\"idgen-9\"");
        assertThat(Files.readString(log)).contains("[idgen-9]").contains("Leased worker ID");
    }
}
