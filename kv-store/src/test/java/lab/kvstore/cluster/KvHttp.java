package lab.kvstore.cluster;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import lab.cluster.LocalCluster;
import lab.kvstore.version.VersionCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The calls the cluster tests make: client reads and writes with contexts, admin views as JSON. */
final class KvHttp {

    /** A read: status, the values it returned (one, or every sibling's on a 300) and its context. */
    record Read(int status, List<String> values, Optional<String> context) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final LocalCluster cluster;

    KvHttp(LocalCluster cluster) {
        this.cluster = cluster;
    }

    HttpResponse<String> send(String node, String method, String path, String body, String context, boolean admin) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(cluster.url(node).resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            builder.header("Authorization", "Bearer " + cluster.adminToken());
        }
        if (context != null) {
            builder.header("X-Context", context);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode admin(String node, String method, String path) throws Exception {
        HttpResponse<String> response = send(node, method, path, null, null, true);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " on " + node + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    Read read(String node, String key) throws Exception {
        HttpResponse<String> response = send(node, "GET", "/kv/" + key + "?r=2", null, null, false);
        Optional<String> context = response.headers().firstValue("X-Context");
        return switch (response.statusCode()) {
            case 200 -> new Read(200, List.of(response.body()), context);
            case 300 -> new Read(300, StreamSupport.stream(JSON.readTree(response.body()).get("siblings").spliterator(), false)
                    .map(s -> new String(Base64.getDecoder().decode(s.get("value").asString()), StandardCharsets.UTF_8)).toList(),
                    context);
            default -> new Read(response.statusCode(), List.of(), context);
        };
    }

    /** PUT with W=2 and the given context (null for a blind write); returns whether it was acknowledged. */
    boolean write(String node, String key, String value, String context) throws Exception {
        return send(node, "PUT", "/kv/" + key + "?w=2", value, context, false).statusCode() == 204;
    }

    /** One node's own stored copy of a key (its replica, not a quorum read): the values of its live siblings. */
    List<String> ownCopy(String node, String key) throws Exception {
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(cluster.url(node).resolve("/internal/kv/" + encoded))
                .header("X-Lab-Cluster-Secret", cluster.clusterSecret())
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(node + " answered " + response.statusCode() + " for its copy of " + key);
        }
        return VersionCodec.decode(response.body()).siblings().values().stream().filter(s -> !s.tombstone())
                .map(s -> new String(s.value(), StandardCharsets.UTF_8)).toList();
    }

    /** Every replica of the key answered /admin/replicas with a copy, and the copies' contexts are equal. */
    boolean replicasAgree(String via, String key, int replicas) throws Exception {
        JsonNode copies = admin(via, "GET", "/admin/replicas?key=" + key).get("replicas");
        Set<String> contexts = new HashSet<>();
        int answered = 0;
        for (JsonNode copy : copies) {
            if (copy.has("context")) {
                contexts.add(copy.get("context").asString());
                answered++;
            }
        }
        return copies.size() == replicas && answered == replicas && contexts.size() == 1;
    }
}
