package lab.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** One test per class of error: each answers problem+json with a stable type, a detail and the node. */
class ProblemResponsesTest extends KitHttpTest {

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json(response);
        assertThat(body.get("type").asString()).as(response.body()).isEqualTo("/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(body.get("detail").asString()).isNotBlank();
        assertThat(body.get("node").asString()).isEqualTo("kit-1");
        return body;
    }

    @Test
    void aValidRequestIsNotAProblem() throws Exception {
        HttpResponse<String> response = postJson("/test/orders", "{\"item\":\"book\",\"amount\":3}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("amount").asLong()).isEqualTo(3);
    }

    @Test
    void malformedJsonSaysWhere() throws Exception {
        JsonNode body = assertProblem(postJson("/test/orders", "{\"item\": \"book\", amount: }"), 400, "malformed-request");
        assertThat(body.get("detail").asString()).contains("Malformed JSON at line 1");
    }

    @Test
    void emptyBodyIsMalformed() throws Exception {
        JsonNode body = assertProblem(postJson("/test/orders", ""), 400, "malformed-request");
        assertThat(body.get("detail").asString()).containsIgnoringCase("body");
    }

    @Test
    void unknownFieldIsNamed() throws Exception {
        JsonNode body = assertProblem(postJson("/test/orders", "{\"item\":\"book\",\"amount\":3,\"colour\":\"red\"}"),
                400, "unknown-field");
        assertThat(body.get("detail").asString()).contains("'colour'").contains("amount").contains("item");
        assertThat(body.get("field").asString()).isEqualTo("colour");
    }

    @Test
    void missingRequiredFieldIsNamed() throws Exception {
        // A typo of a required field is reported as the missing field it was meant to be.
        JsonNode body = assertProblem(postJson("/test/orders", "{\"item\":\"book\",\"ammount\":3}"), 400, "invalid-field");
        assertThat(body.get("detail").asString()).isEqualTo("Field 'amount' is required (long)");
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        JsonNode body = assertProblem(postJson("/test/orders", "{\"item\":\"book\",\"amount\":\"lots\"}"), 400, "invalid-field");
        assertThat(body.get("field").asString()).isEqualTo("amount");
    }

    @Test
    void validationFailureListsEveryField() throws Exception {
        JsonNode body = assertProblem(postJson("/test/orders", "{\"item\":\"\",\"amount\":-5}"), 400, "validation-failed");
        assertThat(body.get("errors")).hasSize(2);
        assertThat(body.get("detail").asString()).contains("amount").contains("item");
    }

    @Test
    void parameterConstraintIsAValidationProblem() throws Exception {
        JsonNode body = assertProblem(get("/test/count?n=99"), 400, "validation-failed");
        assertThat(body.get("detail").asString()).contains("n");
    }

    @Test
    void parameterOfTheWrongTypeIsNamed() throws Exception {
        JsonNode body = assertProblem(get("/test/count?n=many"), 400, "invalid-parameter");
        assertThat(body.get("detail").asString()).contains("'n'").contains("many");
    }

    @Test
    void missingParameterIsNamed() throws Exception {
        JsonNode body = assertProblem(get("/test/count"), 400, "missing-parameter");
        assertThat(body.get("detail").asString()).contains("'n'");
    }

    @Test
    void unsupportedMediaTypeIs415() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/orders"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("item=book")));
        JsonNode body = assertProblem(response, 415, "unsupported-media-type");
        assertThat(body.get("detail").asString()).contains("text/plain").contains("application/json");
    }

    @Test
    void oversizeBodyWithContentLengthIs413() throws Exception {
        byte[] big = new byte[4096];
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/bytes"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        JsonNode body = assertProblem(response, 413, "payload-too-large");
        assertThat(body.get("detail").asString()).contains("1024");
    }

    @Test
    void oversizeChunkedBodyIs413() throws Exception {
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) 'x');
        // An InputStream publisher has no known length, so the client sends it chunked.
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/bytes"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertProblem(response, 413, "payload-too-large");
    }

    @Test
    void bodyWithinTheLimitPasses() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/bytes"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("length").asInt()).isEqualTo(1024);
    }

    @Test
    void unknownPathIs404() throws Exception {
        JsonNode body = assertProblem(get("/no/such/thing"), 404, "not-found");
        assertThat(body.get("detail").asString()).contains("/no/such/thing");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/orders")).DELETE());
        assertProblem(response, 405, "method-not-allowed");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
    }

    @Test
    void serviceProblemCarriesItsMembersAndRetryAfter() throws Exception {
        HttpResponse<String> response = get("/test/quorum");
        JsonNode body = assertProblem(response, 503, "quorum-not-reached");
        assertThat(body.get("needed").asInt()).isEqualTo(2);
        assertThat(body.get("answered").asInt()).isEqualTo(1);
        assertThat(body.get("instance").asString()).isEqualTo("/test/quorum");
        // 1.5 s rounds up: a client that waits the header's seconds never retries too early.
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    }

    @Test
    void unexpectedExceptionIs500WithoutLeakingInternals() throws Exception {
        HttpResponse<String> response = get("/test/boom");
        JsonNode body = assertProblem(response, 500, "internal-error");
        assertThat(response.body()).doesNotContain("internal secret").doesNotContain("IllegalStateException");
        assertThat(body.get("traceId").asString()).isNotBlank();
    }

    @Test
    void containerLevelBadRequestIsAProblemToo() throws Exception {
        // An invalid percent-encoding in the path is rejected by Tomcat before Spring MVC runs;
        // no Java HTTP client will send one, so this speaks HTTP over a plain socket.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /test/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(raw).startsWith("HTTP/1.1 400");
            assertThat(raw).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(raw).contains("\"node\":\"kit-1\"").contains("\"type\":\"/problems/bad-request\"");
        }
    }
}
