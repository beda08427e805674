package lab.platform.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.Test;

class MetricsAndHealthTest extends KitHttpTest {

    @Test
    void everyMetricCarriesApplicationAndNode() throws Exception {
        get("/test/hello");
        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).contains("http_server_requests_seconds_bucket{");
        // Every sample line of our own and Spring's meters carries both common tags.
        scrape.lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> assertThat(line).contains("application=\"kit-test\"").contains("node=\"kit-1\""));
    }

    @Test
    void openMetricsScrapesCarryNoExemplarsThatPrometheus242Rejects() throws Exception {
        get("/test/hello");
        HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(scrape.body()).contains("http_server_requests_seconds_count{").doesNotContain("trace_id=");
    }

    @Test
    void livenessAndReadinessGroupsAnswer() throws Exception {
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json(readiness).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void invalidNodeNamesAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeIdentity("Kv_2", "kv-store"))
                .hasMessageContaining("not a valid node name");
    }
}
