package lab.load.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.load.check.Json;

/**
 * What {@code ./cluster status --json} says about where to send load: the running nodes of each
 * service (by the load scenarios' service names) and the gateway when it runs.
 */
record ClusterStatus(Map<String, List<String>> serviceUrls, Optional<String> gatewayUrl) {

    /** The topology's service names → the names {@code --url} and {@code load.urls.*} use. */
    private static final Map<String, String> SERVICES = Map.of(
            "id-generator", "ids",
            "rate-limiter", "ratelimit",
            "kv-store", "kv",
            "payments", "payments",
            "message-queue", "messaging");

    static ClusterStatus parse(String json) {
        JsonNode root = Json.parse(json);
        Map<String, List<String>> urls = new LinkedHashMap<>();
        Optional<String> gateway = Optional.empty();
        for (JsonNode node : root.path("nodes")) {
            if (!"running".equals(node.path("state").asText()) || !node.hasNonNull("url")) {
                continue;
            }
            String url = node.path("url").asText();
            if (node.path("service").asText().equals("gateway") || node.path("name").asText().equals("gateway")) {
                gateway = Optional.of(url);
                continue;
            }
            String service = SERVICES.get(node.path("service").asText());
            if (service != null) {
                urls.computeIfAbsent(service, s -> new ArrayList<>()).add(url);
            }
        }
        return new ClusterStatus(urls, gateway);
    }
}
