package lab.idgen.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP calls to one id-generator node of a {@code LocalCluster}: IDs, readiness, the lease and the fault API. */
final class IdgenClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final URI base;
    private final String adminToken;

    IdgenClient(String name, URI base, String adminToken) {
        this.name = name;
        this.base = base;
        this.adminToken = adminToken;
    }

    String name() {
        return name;
    }

    /** The answer to one {@code POST /ids}: either IDs or a problem. */
    record Answer(int status, long[] ids, int workerId, String problemType, String retryAfter, long sentNanos, long receivedNanos) {
    }

    Answer issue(int count) throws IOException, InterruptedException {
        long sent = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/ids?count=" + count)).POST(HttpRequest.BodyPublishers.noBody()));
        long received = System.nanoTime();
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            return new Answer(response.statusCode(), new long[0], -1, body.path("type").asString(""),
                    response.headers().firstValue("Retry-After").orElse(null), sent, received);
        }
        JsonNode ids = body.get("ids");
        long[] values = new long[ids.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Long.parseLong(ids.get(i).asString());
        }
        return new Answer(200, values, body.get("workerId").asInt(), null, null, sent, received);
    }

    /** The readiness status code, or -1 while the node does not listen. */
    int readinessStatus() {
        try {
            return send(HttpRequest.newBuilder(base.resolve("/actuator/health/readiness")).GET()).statusCode();
        } catch (IOException notListening) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    JsonNode lease() throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/admin/lease")).header("Authorization", "Bearer " + adminToken).GET()).body());
    }

    int setFaults(String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/admin/faults")).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))).statusCode();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
