package lab.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import lab.platform.testapp.KitHttpTest;
import lab.platform.testapp.KitTestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import tools.jackson.databind.JsonNode;

/**
 * The node's security chain over real HTTP, with request targets sent byte for byte: every
 * spelling of the operator and internal APIs either is refused (400) or needs the credential, and
 * a refused request changes nothing.
 */
class NodeSecurityTest extends KitHttpTest {

    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);
    private static final Map<String, String> CLUSTER = Map.of(ClusterCredential.HEADER, CLUSTER_SECRET);
    private static final byte[] ERROR_RATE_FAULT = "{\"errorRate\":1.0}".getBytes(StandardCharsets.UTF_8);

    /** Spellings a server could normalise to /admin/faults: refused outright by the firewall or the container. */
    private static final List<String> REFUSED_ADMIN_SPELLINGS = List.of(
            "/admin;x/faults", "/admin/faults;x", "/admin%3bx/faults", "/admin/./faults", "/admin/../admin/faults",
            "//admin/faults", "/admin//faults", "/admin%2ffaults", "/admin%2Ffaults", "/%2e/admin/faults",
            "/admin/%2e%2e/admin/faults", "/x/..%2fadmin/faults", "/admin\\faults", "/admin%5cfaults", "/%2561dmin/faults",
            "/actuator;x/env", "/actuator/./env", "/internal;x/test/counter", "/internal/./test/counter");

    @Autowired
    ApplicationContext context;

    private RawHttp.Answer raw(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        return RawHttp.send(port, method, target, headers, body);
    }

    private RawHttp.Answer postFault(String target, Map<String, String> headers) throws IOException {
        Map<String, String> withType = new java.util.LinkedHashMap<>(headers);
        withType.put("Content-Type", "application/json");
        return raw("POST", target, withType, ERROR_RATE_FAULT);
    }

    private void assertNoFaultIsActive() throws IOException {
        RawHttp.Answer faults = RawHttp.get(port, "/admin/faults", ADMIN);
        assertThat(faults.status()).isEqualTo(200);
        assertThat(JSON.readTree(faults.body()).get("active")).as("active faults").isEmpty();
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").asString()).isEqualTo("/problems/" + type);
    }

    @Test
    void spellingsThatCouldBeReadTwoWaysAreRefusedAndChangeNothing() throws Exception {
        for (String target : REFUSED_ADMIN_SPELLINGS) {
            RawHttp.Answer get = RawHttp.get(port, target, NONE);
            assertThat(get.status()).as(target).isEqualTo(400);
            assertThat(get.header("Content-Type")).as(target).startsWith("application/problem+json");
            RawHttp.Answer post = postFault(target, NONE);
            assertThat(post.status()).as("POST " + target).isEqualTo(400);
        }
        // Even with the token a spelling that is not the plain path is refused: the path must be unambiguous.
        assertProblem(postFault("/admin;x/faults", ADMIN), 400, "rejected-request");
        assertNoFaultIsActive();
    }

    @Test
    void anEncodedLetterDecodesToTheOperatorPathAndNeedsTheToken() throws Exception {
        RawHttp.Answer without = postFault("/%61dmin/faults", NONE);
        assertProblem(without, 401, "unauthorized");
        assertThat(without.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"admin\"");
        assertProblem(RawHttp.get(port, "/%61ctuator/env", NONE), 401, "unauthorized");
        assertNoFaultIsActive();
        // The same handler answers the token holder: the matcher and the handler read the path alike.
        assertThat(RawHttp.get(port, "/%61dmin/faults", ADMIN).status()).isEqualTo(200);
    }

    @Test
    void anotherCaseIsNoOperatorPathAndReachesNoHandler() throws Exception {
        for (String target : List.of("/ADMIN/faults", "/Admin/faults", "/ACTUATOR/env", "/Internal/test/counter")) {
            assertProblem(RawHttp.get(port, target, NONE), 404, "not-found");
            assertThat(postFault(target, NONE).status()).as("POST " + target).isIn(404, 405);
        }
        // Under /admin/ every path is the operator's, whether a handler exists or not.
        assertProblem(RawHttp.get(port, "/admin/FAULTS", NONE), 401, "unauthorized");
        assertNoFaultIsActive();
    }

    @Test
    void theOperatorApiAnswersOnlyTheToken() throws Exception {
        RawHttp.Answer missing = RawHttp.get(port, "/admin/node", NONE);
        assertProblem(missing, 401, "unauthorized");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"admin\"");
        assertProblem(RawHttp.get(port, "/admin/node", Map.of("Authorization", "Basic YWRtaW46YWRtaW4=")), 401, "unauthorized");
        assertProblem(RawHttp.get(port, "/admin/node", Map.of("Authorization", "Bearer ")), 401, "unauthorized");
        assertProblem(RawHttp.get(port, "/admin/node", Map.of("Authorization", "Bearer " + ADMIN_TOKEN + "x")), 403, "forbidden");
        assertProblem(RawHttp.get(port, "/admin/node", Map.of("Authorization", "Bearer " + CLUSTER_SECRET)), 403, "forbidden");
        // The cluster secret opens the internal API, not the operator API.
        assertProblem(RawHttp.get(port, "/admin/node", CLUSTER), 401, "unauthorized");
        assertProblem(postFault("/admin/faults", Map.of("Authorization", "Bearer wrong-token-0123456789")), 403, "forbidden");
        assertNoFaultIsActive();

        RawHttp.Answer ok = RawHttp.get(port, "/admin/node", ADMIN);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Set-Cookie")).as("stateless: no session").isNull();
        assertThat(RawHttp.get(port, "/admin/node", Map.of("Authorization", "bearer " + ADMIN_TOKEN)).status()).isEqualTo(200);
    }

    @Test
    void theActuatorIsOperatorApiExceptProbesAndTheScrape() throws Exception {
        for (String open : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus")) {
            assertThat(RawHttp.get(port, open, NONE).status()).as(open).isEqualTo(200);
        }
        for (String guarded : List.of("/actuator", "/actuator/info", "/actuator/metrics", "/actuator/metrics/jvm.threads.live")) {
            assertProblem(RawHttp.get(port, guarded, NONE), 401, "unauthorized");
            assertThat(RawHttp.get(port, guarded, ADMIN).status()).as(guarded).isEqualTo(200);
        }
    }

    @Test
    void theInternalApiAnswersOnlyTheClusterSecret() throws Exception {
        long before = KitTestApplication.INTERNAL_WRITES.get();
        assertProblem(raw("PUT", "/internal/test/counter", NONE, new byte[0]), 401, "cluster-credential-required");
        assertProblem(raw("PUT", "/internal/test/counter", Map.of(ClusterCredential.HEADER, "wrong-secret-0123456789"), new byte[0]),
                401, "cluster-credential-required");
        assertProblem(raw("PUT", "/internal/test/counter", Map.of(ClusterCredential.HEADER, ""), new byte[0]),
                401, "cluster-credential-required");
        assertProblem(raw("PUT", "/internal/test/counter", ADMIN, new byte[0]), 401, "cluster-credential-required");
        assertProblem(raw("PUT", "/%69nternal/test/counter", NONE, new byte[0]), 401, "cluster-credential-required");
        assertThat(KitTestApplication.INTERNAL_WRITES.get()).as("writes by refused callers").isEqualTo(before);

        RawHttp.Answer ok = raw("PUT", "/internal/test/counter", CLUSTER, new byte[0]);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(KitTestApplication.INTERNAL_WRITES.get()).isEqualTo(before + 1);
    }

    @Test
    void theChainRunsBeforeInjectedFaultsSoARefusedCallerNeverReachesThem() throws Exception {
        assertThat(postFault("/admin/faults", ADMIN).status()).isEqualTo(200);
        try {
            assertProblem(raw("PUT", "/internal/test/counter", NONE, new byte[0]), 401, "cluster-credential-required");
            assertProblem(raw("PUT", "/internal/test/counter", CLUSTER, new byte[0]), 503, "injected-fault");
        } finally {
            assertThat(raw("DELETE", "/admin/faults", ADMIN, null).status()).isEqualTo(200);
        }
    }

    @Test
    void thePublicApiNeedsNothing() throws Exception {
        RawHttp.Answer hello = RawHttp.get(port, "/test/hello", NONE);
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.header("Set-Cookie")).isNull();
        assertThat(hello.header("WWW-Authenticate")).isNull();
    }

    @Test
    void springBootInventsNoUser() {
        assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    }
}
