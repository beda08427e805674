package lab.gateway.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A blocking HTTP client for tests, with a deadline on every call. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    static HttpResponse<String> send(String method, URI uri, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> get(URI base, String path, Map<String, String> headers) {
        return send("GET", base.resolve(path), headers, null);
    }

    /** Issues an API key on the gateway's operator API; only an issued key has an edge bucket of its own. */
    static String issueApiKey(URI gateway, String adminToken) {
        HttpResponse<String> issued = send("POST", gateway.resolve("/admin/api-keys"), Map.of("Authorization", "Bearer " + adminToken), null);
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"apiKey\":\"([A-Za-z0-9_-]+)\"").matcher(issued.body());
        if (issued.statusCode() != 201 || !key.find()) {
            throw new IllegalStateException("POST /admin/api-keys answered " + issued.statusCode() + " " + issued.body());
        }
        return key.group(1);
    }

    static HttpResponse<String> admin(URI node, String method, String path, String token, String json) {
        return send(method, node.resolve(path), Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"), json);
    }
}
