package lab.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body reaches its handler exactly as sent, whatever its content type (no filter parses a
 * form-encoded body into parameters first), and generic bad input is a 4xx problem, never a 500.
 */
class BodiesAndBadInputTest extends KitHttpTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "PUT, application/x-www-form-urlencoded, v1",
            "PUT, application/x-www-form-urlencoded, a=1&b=2",
            "PUT, application/json, '{\"a\":1}'",
            "PUT, application/octet-stream, v1",
            "PUT, , v1",
            "POST, application/x-www-form-urlencoded, v1",
            "POST, application/x-www-form-urlencoded, tag=body&b=2",
            "POST, application/json, '{\"a\":1}'",
            "POST, application/octet-stream, v1",
            "POST, , v1",
    })
    void theHandlerReadsTheBodyAsSent(String method, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/test/raw?tag=query"))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/test/number/abc", "/test/number/99999999999999999999", "/test/number/1.5",
            "/test/count?n=abc", "/test/count", "/test/count?n=99999999999"})
    void badParametersAreClientErrors(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "POST"})
    void aChunkedBodyOverTheLimitIs413(String method) throws Exception {
        byte[] big = new byte[64 * 1024];
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/test/raw"))
                .header("Content-Type", "application/octet-stream")
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("/problems/payload-too-large");
    }
}
