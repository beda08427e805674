package lab.mq.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Small JSON-over-HTTP calls for tests. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Http() {
    }

    public static Answer publish(URI node, String channel, String sender, String text, String idempotencyKey) {
        String body = JSON.writeValueAsString(java.util.Map.of("sender", sender, "text", text));
        return post(node.resolve("/channels/" + channel + "/messages"), body, idempotencyKey);
    }

    public static Answer post(URI uri, String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    public static Answer get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build());
    }

    /** A GET with a bearer token (the admin views). */
    public static Answer get(URI uri, String bearerToken) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + bearerToken)
                .GET().build());
    }

    /** A GET with one extra request header, such as {@code Last-Event-ID}. */
    public static Answer getWithHeader(URI uri, String header, String value) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).header(header, value).GET().build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? null : parseOrNull(response.body());
            return new Answer(response.statusCode(), json, response);
        } catch (IOException e) {
            return new Answer(-1, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parseOrNull(String body) {
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
