package lab.ratelimit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
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
    static final String CLUSTER_SECRET = "test-cluster-secret-0123456789";
    static final EmbeddedRedis REDIS = new EmbeddedRedis();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("ratelimit.redis.uri", REDIS::uri);
        // The HTTP contract, not the deadline (TwoNodesIT tests that): a loaded 2-core machine misses 50 ms with Redis up.
        registry.add("ratelimit.redis.deadline-millis", () -> 250);
        registry.add("lab.admin.token", () -> TOKEN);
        registry.add("lab.cluster.secret", () -> CLUSTER_SECRET);
        registry.add("lab.node.id", () -> "ratelimit-1");
        registry.add("ratelimit.policies.api.capacity", () -> 3);
        registry.add("ratelimit.policies.api.refill-per-second", () -> 0.5);
        registry.add("ratelimit.policies.api.failure-mode", () -> "closed");
        registry.add("ratelimit.policies.api.visibility", () -> "public");
        registry.add("ratelimit.policies.edge-test.capacity", () -> 2);
        registry.add("ratelimit.policies.edge-test.refill-per-second", () -> 0.001);
        registry.add("ratelimit.policies.edge-test.failure-mode", () -> "closed");
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
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":0,\"refillPerSecond\":1,\"failureMode\":\"open\",\"visibility\":\"public\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"failureMode\":\"open\",\"visibility\":\"public\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"sideways\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"open\",\"x\":1}"),
                400, "/problems/unknown-field");
        assertProblem(http.admin("PUT", uri("/admin/policies/Bad%20Name"), "{\"capacity\":5,\"refillPerSecond\":1,\"failureMode\":\"open\",\"visibility\":\"public\"}"),
                400, "/problems/invalid-policy");
        assertProblem(http.post(uri("/limits/new/x/acquire")), 404, "/problems/unknown-policy");

        Http.Answer put = http.admin("PUT", uri("/admin/policies/new"), "{\"capacity\":2,\"refillPerSecond\":0.25,\"failureMode\":\"local\",\"visibility\":\"public\"}");
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

    @Test
    void anInternalPolicyIsNotFoundOnThePublicApiExactlyAsAMissingOneAndIsServedOnTheInternalApi() {
        Http.Answer hidden = http.post(uri("/limits/edge-test/k/acquire"));
        Http.Answer missing = http.post(uri("/limits/no-such-policy/k/acquire"));
        assertProblem(hidden, 404, "/problems/unknown-policy");
        assertProblem(missing, 404, "/problems/unknown-policy");
        assertThat(hidden.json().get("detail").asString().replace("edge-test", "?"))
                .as("the public API does not tell an internal policy from a missing one")
                .isEqualTo(missing.json().get("detail").asString().replace("no-such-policy", "?"));
        assertProblem(http.get(uri("/limits/edge-test/k")), 404, "/problems/unknown-policy");

        assertProblem(http.post(uri("/internal/limits/edge-test/k/acquire")), 401, "/problems/cluster-credential-required");
        assertThat(http.internal("POST", uri("/internal/limits/edge-test/k/acquire"), CLUSTER_SECRET).status()).as("nothing was spent publicly").isEqualTo(200);
        assertThat(http.internal("POST", uri("/internal/limits/edge-test/k/acquire"), CLUSTER_SECRET).status()).isEqualTo(200);
        Http.Answer spent = http.internal("POST", uri("/internal/limits/edge-test/k/acquire"), CLUSTER_SECRET);
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.header("X-RateLimit-Mode")).isEqualTo("global");
        assertThat(http.internal("GET", uri("/internal/limits/edge-test/k"), CLUSTER_SECRET).json().get("remaining").asLong()).isZero();

        Http.Answer published = http.admin("PUT", uri("/admin/policies/pub-test"),
                "{\"capacity\":2,\"refillPerSecond\":1,\"failureMode\":\"closed\",\"visibility\":\"public\"}");
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.json().get("visibility").asString()).isEqualTo("public");
        assertThat(http.post(uri("/limits/pub-test/k/acquire")).status()).isEqualTo(200);
        Http.Answer unpublished = http.admin("PUT", uri("/admin/policies/pub-test"),
                "{\"capacity\":2,\"refillPerSecond\":1,\"failureMode\":\"closed\"}");
        assertThat(unpublished.json().get("visibility").asString()).as("internal unless said otherwise").isEqualTo("internal");
        assertProblem(http.post(uri("/limits/pub-test/k/acquire")), 404, "/problems/unknown-policy");
        assertProblem(http.admin("PUT", uri("/admin/policies/pub-test"),
                "{\"capacity\":2,\"refillPerSecond\":1,\"failureMode\":\"closed\",\"visibility\":\"everyone\"}"),
                400, "/problems/invalid-policy");
        assertThat(http.admin("DELETE", uri("/admin/policies/pub-test"), null).status()).isEqualTo(200);
    }

    @Test
    void numbersAtTheirLimitsAreClearProblemsNeverAServerError() {
        List<String> capacities = List.of("9223372036854775807", "9223372036854775808", "-9223372036854775808", "-1", "0",
                "1000000001", "1e30", "\"abc\"", "\"\"", "null", "1.5e400");
        for (String capacity : capacities) {
            Http.Answer answer = http.admin("PUT", uri("/admin/policies/edge-numbers"),
                    "{\"capacity\":" + capacity + ",\"refillPerSecond\":1,\"failureMode\":\"open\"}");
            assertThat(answer.status()).as("capacity " + capacity + ": " + answer.raw().body()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }
        List<String> rates = List.of("0", "-1", "0.0009", "1e-300", "1000000001", "1e300", "\"NaN\"", "\"Infinity\"", "\"x\"");
        for (String rate : rates) {
            Http.Answer answer = http.admin("PUT", uri("/admin/policies/edge-numbers"),
                    "{\"capacity\":5,\"refillPerSecond\":" + rate + ",\"failureMode\":\"open\"}");
            assertThat(answer.status()).as("refillPerSecond " + rate + ": " + answer.raw().body()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }
        assertProblem(http.admin("GET", uri("/admin/policies/edge-numbers"), null), 404, "/problems/unknown-policy");
        for (String permits : List.of("9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e3", "%20", "0x10", "4")) {
            Http.Answer answer = http.post(uri("/limits/api/numbers/acquire?permits=" + permits));
            assertThat(answer.status()).as("permits " + permits + ": " + answer.raw().body()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(http.get(uri("/limits/api/numbers")).json().get("remaining").asLong()).as("nothing was taken").isEqualTo(3);

        // The extremes that are allowed decide globally, with durations that neither overflow nor break the script.
        assertThat(http.admin("PUT", uri("/admin/policies/extreme"),
                "{\"capacity\":1000000000,\"refillPerSecond\":0.001,\"failureMode\":\"closed\",\"visibility\":\"public\"}")
                .status()).isEqualTo(200);
        Http.Answer all = http.post(uri("/limits/extreme/k/acquire?permits=1000000000"));
        assertThat(all.status()).as(all.raw().body()).isEqualTo(200);
        assertThat(all.json().get("mode").asString()).isEqualTo("global");
        assertThat(all.json().get("resetSeconds").asLong()).isBetween(1_000_000_000_000L, 1_000_000_000_001L);
        Http.Answer none = http.post(uri("/limits/extreme/k/acquire"));
        assertThat(none.status()).isEqualTo(429);
        assertThat(none.header("Retry-After")).isEqualTo("1000");
        assertThat(none.json().get("mode").asString()).isEqualTo("global");
        assertThat(http.admin("DELETE", uri("/admin/policies/extreme"), null).status()).isEqualTo(200);
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
