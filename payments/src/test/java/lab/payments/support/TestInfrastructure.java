package lab.payments.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.time.Instant;
import lab.cluster.LocalCluster;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The real servers the single-node integration tests share, started once per test JVM: PostgreSQL
 * 18 (zonky, fsync on), a KRaft Kafka broker in-JVM, the simulated processor node from its own jar
 * ({@code payments-processor/target/payments-processor.jar}) as a separate process, and ZooKeeper
 * with one id-generator node ({@code idgen-1}) through the local launcher, for the payments' IDs.
 */
public final class TestInfrastructure {

    public static final String ADMIN_TOKEN = "payments-test-admin-token-0123456789";
    private static TestInfrastructure instance;

    public final EmbeddedPostgres postgres;
    public final EmbeddedKafkaKraftBroker kafka;
    public final Process processor;
    public final URI processorUrl;
    public final Path processorLog;
    public final LocalCluster idGenerator;

    private TestInfrastructure() throws Exception {
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder().setServerConfig("fsync", "on").setServerConfig("max_connections", "200");
        if (Boolean.getBoolean("pgStatements")) {
            // The benchmark's per-statement profile (payments/bench.sh with PG_STATEMENTS=true) needs it loaded at start.
            server.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        postgres = server.start();
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        int port = freePort();
        Path jar = Path.of("..", "payments-processor", "target", "payments-processor.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it first (./mvnw -pl payments -am verify builds it)");
        }
        processorLog = Files.createTempFile("processor", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-Dlab.parent-pid=" + ProcessHandle.current().pid(), "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(processorLog.toFile()).redirectInput(new File("/dev/null"));
        builder.environment().put("NODE_ID", "processor");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().put("DATA_DIR", Files.createTempDirectory("processor-data").toString());
        builder.environment().put("PROCESSOR_HANG_MILLIS", "5000");
        processor = builder.start();
        processorUrl = URI.create("http://127.0.0.1:" + port);
        awaitReady(processorUrl, processor, processorLog);
        idGenerator = LocalCluster.builder().service("id-generator").nodes("idgen-1").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            idGenerator.close();
            processor.destroy();
            kafka.destroy();
            try {
                postgres.close();
            } catch (IOException ignored) {
                // The JVM is exiting; zonky's own hook cleans up.
            }
        }));
    }

    public static synchronized TestInfrastructure get() {
        if (instance == null) {
            try {
                instance = new TestInfrastructure();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the test infrastructure", e);
            }
        }
        return instance;
    }

    /** The id-generator peer list, as {@code payments.ids.urls} takes it. */
    public String idGeneratorPeers() {
        return "idgen-1=" + idGenerator.url("idgen-1");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void awaitReady(URI base, Process process, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Still starting: poll again.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("processor did not become ready; log:\n" + Files.readString(log));
    }
}
