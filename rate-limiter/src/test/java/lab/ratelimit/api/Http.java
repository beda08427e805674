package lab.ratelimit.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: every call has a deadline; answers are parsed JSON with status and headers. */
public final class Http {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String adminToken;

    public Http(String adminToken) {
        this.adminToken = adminToken;
    }

    public record Answer(int status, JsonNode json, HttpResponse<String> raw, long tookNanos) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Answer post(URI uri) {
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public Answer admin(String method, URI uri, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + adminToken)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder);
    }

    /** A call a node of the cluster makes: it carries the cluster credential. */
    public Answer internal(String method, URI uri, String clusterSecret) {
        return send(HttpRequest.newBuilder(uri).header("X-Lab-Cluster-Secret", clusterSecret)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private Answer send(HttpRequest.Builder builder) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(builder.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            String body = response.body();
            JsonNode json = body == null || body.isBlank() || !body.strip().startsWith("{") ? null : JsonMapper.shared().readTree(body);
            return new Answer(response.statusCode(), json, response, took);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
