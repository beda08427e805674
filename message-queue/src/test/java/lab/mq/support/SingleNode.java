package lab.mq.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.cluster.infra.Infrastructure;
import lab.mq.MessageQueueApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One message-queue node in the test JVM against a real single Kafka broker process and a fake id-generator, ready when returned. */
public final class SingleNode implements AutoCloseable {

    public final Infrastructure infra;
    public final URI node;
    private final FakeIdGenerator idgen;
    private final ConfigurableApplicationContext app;

    private SingleNode(Infrastructure infra, FakeIdGenerator idgen, ConfigurableApplicationContext app) {
        this.infra = infra;
        this.idgen = idgen;
        this.app = app;
        this.node = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
    }

    /** {@code settings}: more command-line arguments, which win over application.yml (builder properties would not). */
    public static SingleNode start(String name, String nodeId, String... settings) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it", name + "-" + System.currentTimeMillis()));
        Infrastructure infra = Infrastructure.builder(dir.resolve("infra")).kafka(1).start();
        FakeIdGenerator idgen = new FakeIdGenerator();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--lab.node.id=" + nodeId,
                "--mq.kafka.bootstrap=" + infra.kafkaBootstrapServers(),
                "--mq.ids.urls=" + idgen.peers(),
                "--mq.store.dir=" + dir.resolve("node").toAbsolutePath()));
        args.addAll(List.of(settings));
        SingleNode started = new SingleNode(infra, idgen, new SpringApplicationBuilder(MessageQueueApplication.class).run(args.toArray(String[]::new)));
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(started.node.resolve("/actuator/health/readiness")).status() == 200);
        return started;
    }

    @Override
    public void close() {
        app.close();
        idgen.close();
        infra.close();
    }
}
