package lab.payments.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON-over-HTTP client for tests, with a deadline on every call. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public boolean replayed() {
            return headers.firstValue("Idempotent-Replayed").map("true"::equals).orElse(false);
        }
    }

    private Http() {
    }

    public static Reply post(URI base, String path, String key, String body) {
        return post(base, path, key, body, null);
    }

    /** A POST in the client's trace: {@code traceparent} is a W3C trace context header, or null for none. */
    public static Reply post(URI base, String path, String key, String body, String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return send(b.build());
    }

    /**
     * Posts a payment with the same key until it has its final answer (201), following 409 and 503
     * the way a client honouring {@code Retry-After} would.
     */
    public static Reply postUntilCreated(URI node, String key, String body) {
        Reply[] last = new Reply[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            last[0] = post(node, "/payments", key, body);
            return last[0].status() == 201;
        });
        return last[0];
    }

    public static Reply get(URI base, String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    public static Reply admin(URI base, String method, String path, String token, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
