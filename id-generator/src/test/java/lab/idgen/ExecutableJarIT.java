package lab.idgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import lab.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, started by the local cluster's launcher as {@code ./cluster} starts it
 * ({@code java -jar target/id-generator.jar} with the topology's settings), leases a worker ID
 * from the launcher's ZooKeeper and serves the kit's health, metrics and problem bodies.
 */
class ExecutableJarIT {

    @Test
    void jarServesReadinessAndTaggedMetrics() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().service("id-generator").nodes("idgen-1")
                // The CLI's bound: starts of 50-90 s were seen on the shared 2-core machine at load average 35.
                .readyTimeout(Duration.ofSeconds(240)).start()) {
            assertThat(cluster.nodeNames()).containsExactly("zookeeper", "idgen-1");
            URI node = cluster.url("idgen-1");
            HttpClient http = HttpClient.newHttpClient();

            // start() returned once the readiness probe answered 200; the body says why.
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(node.resolve("/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"");

            String metrics = http.send(HttpRequest.newBuilder(node.resolve("/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jvm_memory_used_bytes{application=\"id-generator\"")
                    .contains("node=\"idgen-1\"")
                    .contains("lab_faults_active{application=\"id-generator\",kind=\"latency\",node=\"idgen-1\"} 0.0");

            HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(node.resolve("/nothing-here")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.body()).contains("\"node\":\"idgen-1\"").contains("/problems/not-found");
            HttpResponse<String> ids = http.send(HttpRequest.newBuilder(node.resolve("/ids?count=2"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ids.statusCode()).isEqualTo(200);
            assertThat(ids.body()).startsWith("{\"ids\":[\"").contains("\"node\":\"idgen-1\"");
            assertThat(Files.readString(cluster.node("idgen-1").logFile())).contains("[idgen-1]").contains("Leased worker ID");
        }
    }
}
