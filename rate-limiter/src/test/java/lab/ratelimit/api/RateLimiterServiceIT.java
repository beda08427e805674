package lab.ratelimit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import lab.ratelimit.redis.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The HTTP contract of one node against a real Redis: decisions, headers, problems and the admin API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimiterServiceIT {

    static final String TOKEN = "test-admin-token-0123456789";
    static final EmbeddedRedis REDIS = new EmbeddedRedis();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("ratelimit.redis.uri", REDIS::uri);
        registry.add("lab.admin.token", () -> TOKEN);
        registry.add("lab.node.id", () -> "ratelimit-1");
        registry.add("ratelimit.policies.api.capacity", () -> 3);
        registry.add("ratelimit.policies.api.refill-per-second", () -> 0.5);
        registry.add("ratelimit.policies.api.failure-mode", () -> "closed");
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @LocalServerPort
    int port;

    final Http http = new Http(TOKEN);

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void admitsTheBurstWithRateLimitHeadersThenAnswers429WithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            Http.Answer ok = http.post(uri("/limits/api/alice/acquire"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().get("allowed").asBoolean()).isTrue();
            assertThat(ok.json().get("remaining").asLong()).isEqualTo(2 - i);
            assertThat(ok.json().get("limit").asLong()).isEqualTo(3);
            assertThat(ok.json().get("mode").asString()).isEqualTo("global");
            assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"api\";q=3;w=6");
            assertThat(ok.header("RateLimit")).startsWith("\"api\";r=" + (2 - i) + ";t=");
        }
        Http.Answer denied = http.post(uri("/limits/api/alice/acquire"));
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.header("Content-Type")).startsWith("application/problem+json");
        assertThat(denied.json().get("type").asString()).isEqualTo("/problems/quota-exceeded");
        assertThat(denied.json().get("node").asString()).isEqualTo("ratelimit-1");
        assertThat(denied.json().get("allowed").asBoolean()).isFalse();
        assertThat(denied.json().get("remaining").asLong()).isZero();
        assertThat(denied.header("Retry-After")).isEqualTo("2");
        assertThat(denied.header("RateLimit")).isEqualTo("\"api\";r=0;t=6");

        Http.Answer otherKey = http.post(uri("/limits/api/bob/acquire?permits=3"));
        assertThat(otherKey.status()).as("each key has its own bucket").isEqualTo(200);
    }

    @Test
    void lookingDoesNotConsume() {
        http.post(uri("/limits/api/carol/acquire?permits=2"));
        for (int i = 0; i < 5; i++) {
            Http.Answer look = http.get(uri("/limits/api/carol"));
            assertThat(look.status()).isEqualTo(200);
            assertThat(look.json().get("remaining").asLong()).isEqualTo(1);
            assertThat(look.json().get("allowed").asBoolean()).isTrue();
        }
        assertThat(http.get(uri("/limits/api/carol?permits=2")).json().get("allowed").asBoolean()).isFalse();
        assertThat(http.post(uri("/limits/api/carol/acquire")).status()).isEqualTo(200);
    }

    @Test
    void badRequestsAreClearProblemsAndConsumeNothing() {
        assertProblem(http.post(uri("/limits/nope/dave/acquire")), 404, "/problems/unknown-policy");
        assertProblem(http.post(uri("/limits/api/dave/acquire?permits=0")), 400, "/problems/invalid-permits");
        assertProblem(http.post(uri("/limits/api/dave/acquire?permits=-1")), 400, "/problems/invalid-permits");
        assertProblem(http.post(uri("/limits/api/dave/acquire?permits=4")), 400, "/problems/invalid-permits");
        assertProblem(http.post(uri("/limits/api/dave/acquire?permits=many")), 400, "/problems/invalid-parameter");
        assertProblem(http.post(uri("/limits/api/" + "k".repeat(257) + "/acquire")), 400, "/problems/invalid-key");
        assertThat(http.post(uri("/limits/api/" + "k".repeat(256) + "/acquire")).status()).isEqualTo(200);
        assertThat(http.get(uri("/limits/api/dave")).json().get("remaining").asLong()).as("nothing was taken").isEqualTo(3);
    }

    @Test
    void policiesAreManagedAtRuntimeWithValidation() {
        assertThat(http.get(uri("/admin/policies")).status()).isEqualTo(401);
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":0,\"refillPerSecond\":1,\"failureMode\":\"open\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"failureMode\":\"open\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"sideways\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"open\",\"x\":1}"),
                400, "/problems/unknown-field");
        assertProblem(http.admin("PUT", uri("/admin/policies/Bad%20Name"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"open\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.post(uri("/limits/new/x/acquire")), 404, "/problems/unknown-policy");

        Http.Answer put = http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":2,\"refillPerSecond\":0.25,\"failureMode\":\"local\"}");
        assertThat(put.status()).isEqualTo(200);
        long version = put.json().get("version").asLong();
        Http.Answer listed = http.admin("GET", uri("/admin/policies"), null);
        assertThat(listed.json().get("version").asLong()).isGreaterThanOrEqualTo(version);
        assertThat(listed.json().get("source").asString()).isEqualTo("redis");
        assertThat(listed.json().get("policies").toString()).contains("\"name\":\"new\",\"capacity\":2,\"refillPerSecond\":0.25,\"failureMode\":\"local\"");
        assertThat(http.post(uri("/limits/new/x/acquire?permits=2")).status()).isEqualTo(200);
        assertThat(http.post(uri("/limits/new/x/acquire")).status()).isEqualTo(429);

        assertThat(http.admin("DELETE", uri("/admin/policies/new"), null).status()).isEqualTo(200);
        assertProblem(http.admin("DELETE", uri("/admin/policies/new"), null), 404, "/problems/unknown-policy");
        assertProblem(http.post(uri("/limits/new/x/acquire")), 404, "/problems/unknown-policy");
    }

    @Test
    void metricsCountDecisionsByPolicyOutcomeAndModeWithoutKeys() {
        http.post(uri("/limits/api/erin/acquire?permits=3"));
        http.post(uri("/limits/api/erin/acquire"));
        String metrics = http.get(uri("/actuator/prometheus")).raw().body();
        assertThat(metrics).containsPattern("ratelimit_decisions_total\\{[^}]*mode=\"global\"[^}]*outcome=\"allowed\"[^}]*policy=\"api\"[^}]*} [1-9]")
                .containsPattern("ratelimit_decisions_total\\{[^}]*outcome=\"denied\"[^}]*policy=\"api\"[^}]*} [1-9]")
                .containsPattern("ratelimit_permits_total\\{[^}]*policy=\"api\"")
                .contains("ratelimit_mode{application=\"rate-limiter\",mode=\"global\",node=\"ratelimit-1\",policy=\"api\"} 1.0")
                .contains("ratelimit_mode{application=\"rate-limiter\",mode=\"closed\",node=\"ratelimit-1\",policy=\"api\"} 0.0")
                .containsPattern("ratelimit_redis_latency_seconds_bucket\\{[^}]*outcome=\"success\"")
                .contains("resilience4j_circuitbreaker_state{")
                .doesNotContain("erin");
    }

    private static void assertProblem(Http.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.json().get("type").asString()).isEqualTo(type);
        assertThat(answer.json().get("detail").asString()).isNotBlank();
    }

    static void awaitGlobal(Http http, URI acquire) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "global".equals(http.post(acquire).header("X-RateLimit-Mode")));
    }
}
