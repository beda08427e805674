package lab.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import lab.gateway.GatewayApplication;
import lab.gateway.routes.StandInUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.DisposableServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own operator surface (its actuator) over real HTTP: the admin token opens it,
 * probes and the scrape stay open, ambiguous spellings are refused, public routes need nothing.
 * The JDK client sends each request target as written (no normalisation of ';', '%61', '%2e').
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeSecurityIT {

    private static final String TOKEN = "edge-security-admin-token-0123456789";
    private static final DisposableServer SERVICE = StandInUpstream.service();
    private static final DisposableServer LIMITER = StandInUpstream.limiter();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void routeTable(DynamicPropertyRegistry registry) {
        registry.add("lab.node.id", () -> "gateway");
        registry.add("lab.admin.token", () -> TOKEN);
        registry.add("gateway.services.id-generator.instances", () -> "idgen-1=http://127.0.0.1:" + SERVICE.port());
        registry.add("gateway.services.rate-limiter.instances", () -> "ratelimit-1=http://127.0.0.1:" + LIMITER.port());
        registry.add("spring.cloud.loadbalancer.health-check.path.id-generator", () -> "/ids/echo-trace");
    }

    @AfterAll
    static void stopStandIns() {
        SERVICE.disposeNow();
        LIMITER.disposeNow();
    }

    private HttpResponse<String> get(String target, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("/problems/" + type);
    }

    @Test
    void theOperatorSurfaceAnswersOnlyTheToken() throws Exception {
        for (String guarded : List.of("/actuator/edge", "/actuator/edgepolicies", "/actuator/gateway/routes", "/actuator/metrics", "/actuator")) {
            HttpResponse<String> missing = get(guarded, null);
            assertProblem(missing, 401, "unauthorized");
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"admin\"");
            assertProblem(get(guarded, "Basic YWRtaW46YWRtaW4="), 401, "unauthorized");
            assertProblem(get(guarded, "Bearer not-the-admin-token-0123"), 403, "forbidden");
            HttpResponse<String> ok = get(guarded, "Bearer " + TOKEN);
            assertThat(ok.statusCode()).as(guarded).isEqualTo(200);
            assertThat(ok.headers().firstValue("Set-Cookie")).as("stateless").isEmpty();
        }
    }

    @Test
    void probesAndTheScrapeStayOpen() throws Exception {
        for (String open : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus")) {
            assertThat(get(open, null).statusCode()).as(open).isEqualTo(200);
        }
    }

    @Test
    void otherSpellingsAreRefusedOrNeedTheToken() throws Exception {
        assertProblem(get("/%61ctuator/edge", null), 401, "unauthorized");
        for (String refused : List.of("/actuator;x/edge", "/actuator/edge;x", "/actuator/./edge", "/actuator/../actuator/edge",
                "//actuator/edge", "/actuator%2fedge", "/actuator/%2e%2e/actuator/edge", "/admin;x/faults", "/%2e/actuator/edge")) {
            HttpResponse<String> response = get(refused, null);
            assertThat(response.statusCode()).as(refused).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(refused)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        }
        for (String otherCase : List.of("/ACTUATOR/edge", "/Actuator/edge")) {
            assertThat(get(otherCase, null).statusCode()).as(otherCase).isEqualTo(404);
        }
        for (String never : List.of("/admin/faults", "/internal/gossip", "/ADMIN/faults")) {
            assertThat(get(never, "Bearer " + TOKEN).statusCode()).as(never).isEqualTo(404);
        }
    }

    @Test
    void publicRoutesNeedNothing() throws Exception {
        HttpResponse<String> response = get("/ids/echo-trace", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
}
