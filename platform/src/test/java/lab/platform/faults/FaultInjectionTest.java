package lab.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeException;
import lab.platform.internode.InterNodeHeaders;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;
import lab.platform.internode.Peer;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Faults set through the operator API, observed the way a client or a peer node observes them. */
class FaultInjectionTest extends KitHttpTest {

    @Autowired
    InterNodeClient interNodeClient;

    @AfterEach
    void clearFaults() throws Exception {
        assertThat(send(admin("/admin/faults").DELETE()).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> setFaults(String json) throws Exception {
        return send(admin("/admin/faults").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private double metric(String name, String kind) throws Exception {
        String text = get("/actuator/prometheus").body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*kind=\"" + kind + "\"[^}]*} ([0-9.E+-]+)$").matcher(text);
        assertThat(m.find()).as(name + " for kind " + kind + " in:\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void injectedLatencyDelaysPublicRequestsButNotScrapes() throws Exception {
        double before = metric("lab_faults_injected_total", "latency");
        assertThat(setFaults("{\"latencyMillis\":400}").statusCode()).isEqualTo(200);

        long start = System.nanoTime();
        assertThat(get("/test/hello").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        get("/actuator/health");
        // Exactly the one public request was delayed; the scrapes and the health call were not.
        assertThat(metric("lab_faults_injected_total", "latency")).isEqualTo(before + 1);
        assertThat(metric("lab_faults_active", "latency")).isEqualTo(1.0);
    }

    @Test
    void errorRateOfOneFailsEveryPublicRequestUntilCleared() throws Exception {
        setFaults("{\"errorRate\":1.0}");
        HttpResponse<String> failed = get("/test/hello");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(json(failed).get("type").asString()).isEqualTo("/problems/injected-fault");
        assertThat(failed.headers().firstValue("Retry-After")).isPresent();
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(metric("lab_faults_active", "error-rate")).isEqualTo(1.0);

        send(admin("/admin/faults/error-rate").DELETE());
        assertThat(get("/test/hello").statusCode()).isEqualTo(200);
        assertThat(metric("lab_faults_active", "error-rate")).isEqualTo(0.0);
    }

    @Test
    void anInvalidMemberChangesNothing() throws Exception {
        HttpResponse<String> response = setFaults("{\"latencyMillis\":100,\"errorRate\":2}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/invalid-field");
        assertThat(json(response).get("field").asString()).isEqualTo("errorRate");
        JsonNode faults = json(send(admin("/admin/faults")));
        assertThat(faults.get("latencyMillis").asLong()).isZero();
        assertThat(faults.get("active")).isEmpty();
    }

    @Test
    void unknownFaultsAndSelfDropsAreRefused() throws Exception {
        HttpResponse<String> unknown = setFaults("{\"latncyMillis\":100}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("type").asString()).isEqualTo("/problems/unknown-field");
        HttpResponse<String> self = setFaults("{\"dropPeers\":[\"kit-1\"]}");
        assertThat(self.statusCode()).isEqualTo(400);
        assertThat(setFaults("{}").statusCode()).isEqualTo(400);
        assertThat(send(admin("/admin/faults/nonsense").DELETE()).statusCode()).isEqualTo(404);
    }

    @Test
    void droppedPeerTimesOutBothWays() throws Exception {
        setFaults("{\"dropPeers\":[\"kv-9\"]}");
        assertThat(json(send(admin("/admin/faults"))).get("dropPeers").get(0).asString()).isEqualTo("kv-9");
        assertThat(metric("lab_faults_active", "drop-peers")).isEqualTo(1.0);

        // Inbound: kv-9's request is held for its whole deadline, then refused.
        long start = System.nanoTime();
        HttpResponse<String> inbound = send(HttpRequest.newBuilder(uri("/test/hello"))
                .header(InterNodeHeaders.FROM_NODE, "kv-9").header(InterNodeHeaders.DEADLINE_MILLIS, "300"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(inbound.statusCode()).isEqualTo(503);
        assertThat(json(inbound).get("type").asString()).isEqualTo("/problems/peer-partitioned");
        // Another peer is unaffected.
        HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/test/hello")).header(InterNodeHeaders.FROM_NODE, "kv-8"));
        assertThat(json(other).get("hello").asString()).isEqualTo("kv-8");

        // Outbound: a call to kv-9 (which is this very server, reachable) times out at its deadline.
        Peer kv9 = Peer.of("kv-9", "http://127.0.0.1:" + port);
        long callStart = System.nanoTime();
        assertThatThrownBy(() -> interNodeClient.send(InterNodeRequest.get(kv9, "/test/hello", Duration.ofMillis(300))))
                .isInstanceOfSatisfying(InterNodeException.class,
                        e -> assertThat(e.failure()).isEqualTo(InterNodeException.Failure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - callStart)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        // Healing kv-9 restores both directions.
        assertThat(send(admin("/admin/faults/drop-peers/kv-9").DELETE()).statusCode()).isEqualTo(200);
        InterNodeResponse healed = interNodeClient.send(InterNodeRequest.get(kv9, "/test/hello", Duration.ofSeconds(5)));
        assertThat(healed.status()).isEqualTo(200);
        assertThat(healed.bodyAsString()).contains("kit-1");
        assertThat(metric("lab_faults_active", "drop-peers")).isEqualTo(0.0);
    }

    @Test
    void interNodeCallsCarryTheTrace() throws Exception {
        Peer self = Peer.of("kit-2", "http://127.0.0.1:" + port);
        InterNodeResponse response = interNodeClient.send(InterNodeRequest.get(self, "/internal/echo", Duration.ofSeconds(5)));
        assertThat(response.status()).isEqualTo(200);
        assertThat(JSON.readTree(response.bodyAsString()).get("traceparent").asString()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }
}
