package lab.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline of {@code ./cluster load ids} (Gatling run, report, summary, exit status)
 * against a stand-in id-generator whose answers we control: one that hands out the same ID twice
 * must fail the run, one that never does must pass it.
 */
class LoadRunnerTest {

    private final AtomicLong nextId = new AtomicLong(1_000_000);
    private volatile boolean repeatEveryFifthId;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aDuplicateIdFailsTheRunAndTheSummarySaysWhich(@TempDir Path results) throws IOException {
        repeatEveryFifthId = true;
        Run run = run(results);
        assertThat(run.exitStatus).as(run.out).isEqualTo(LoadRunner.ANOMALIES);
        assertThat(run.out).contains("==== ids: 10 users/s for 2s ====").contains("ids.duplicate")
                .contains("THE RUN FOUND BROKEN INVARIANTS").contains("report: file:").contains("index.html");
    }

    @Test
    void uniqueIdsPassTheRunWithTimingsAndNoErrors(@TempDir Path results) throws IOException {
        Run run = run(results);
        assertThat(run.exitStatus).as(run.out).isEqualTo(LoadRunner.OK);
        assertThat(run.out).contains("requests   20 (ok 20, failed 0)").contains("errors     none")
                .contains("anomalies  none").containsPattern("p50 \\d+ ms   p95 \\d+ ms   p99 \\d+ ms");
    }

    @Test
    void aRunWithoutTargetsSaysWhatIsMissing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new LoadRunner(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run("kv", "--duration", "1s");
        assertThat(status).isEqualTo(LoadRunner.NOTHING_TO_LOAD);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no running node of kv").contains("--target or --url");
    }

    private Run run(Path results) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ids", exchange -> {
            long id = nextId.incrementAndGet();
            if (repeatEveryFifthId && id % 5 == 0) {
                id--;
            }
            byte[] body = ("{\"ids\":[\"" + id + "\"],\"node\":\"fake-idgen\",\"workerId\":0}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new LoadRunner(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(
                "ids", "--rate", "10", "--duration", "2s", "--set", "ids.batch-share=0",
                "--url", "ids=http://127.0.0.1:" + server.getAddress().getPort(), "--results", results.toString());
        return new Run(status, out.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exitStatus, String out) {
    }
}
