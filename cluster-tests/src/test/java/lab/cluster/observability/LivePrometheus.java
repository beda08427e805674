package lab.cluster.observability;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lab's dashboard and alert-rule expressions asked of one running Prometheus through its
 * HTTP API: which panel queries return no data, which metric names it has never seen, which
 * rules it did not load or could not evaluate. Used by {@code DashboardQueriesIT} (the local
 * cluster) and {@link ComposeDashboardsCheck} (the compose cluster's load profile).
 */
final class LivePrometheus {

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    LivePrometheus(URI url) {
        this.url = url;
    }

    /** Panel queries that fail or return an empty result, each with why. */
    List<String> queriesWithoutData(List<ObservabilityFiles.Query> queries) throws Exception {
        List<String> empty = new ArrayList<>();
        for (ObservabilityFiles.Query query : queries) {
            JsonNode answer = query(query.runnable());
            if (!"success".equals(answer.path("status").asString())) {
                empty.add(query + " -> " + answer.path("error").asString());
            } else if (answer.path("data").path("result").isEmpty()) {
                empty.add(query + " -> no data");
            }
        }
        return empty;
    }

    /** Metric names a panel or rule reads that Prometheus has no series of. */
    Set<String> missingMetricNames(List<ObservabilityFiles.Query> panels, List<ObservabilityFiles.Rule> rules) throws Exception {
        Set<String> known = new TreeSet<>();
        get("/api/v1/label/__name__/values").path("data").forEach(n -> known.add(n.asString()));
        Set<String> missing = new LinkedHashSet<>();
        panels.forEach(q -> ObservabilityFiles.metricNames(q.expr()).stream().filter(n -> !known.contains(n))
                .forEach(n -> missing.add(n + " (" + q.source() + " / " + q.title() + ")")));
        rules.forEach(r -> ObservabilityFiles.metricNames(r.expr()).stream().filter(n -> !known.contains(n))
                .forEach(n -> missing.add(n + " (" + r.file() + " / " + r.name() + ")")));
        return missing;
    }

    /** Rules Prometheus did not load, or that did not evaluate cleanly. */
    List<String> unhealthyRules(List<ObservabilityFiles.Rule> rules) throws Exception {
        Set<String> loaded = new LinkedHashSet<>();
        List<String> unhealthy = new ArrayList<>();
        for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                loaded.add(rule.path("name").asString());
                if (!"ok".equals(rule.path("health").asString())) {
                    unhealthy.add(rule.path("name").asString() + ": " + rule.path("health").asString() + " " + rule.path("lastError").asString());
                }
            }
        }
        rules.stream().filter(r -> !loaded.contains(r.name())).forEach(r -> unhealthy.add(r.name() + ": not loaded from " + r.file()));
        return unhealthy;
    }

    /** The instances an alert is firing for. */
    Set<String> firing(String alert) throws Exception {
        Set<String> instances = new TreeSet<>();
        for (JsonNode a : get("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.equals(a.path("labels").path("alertname").asString()) && "firing".equals(a.path("state").asString())) {
                instances.add(a.path("labels").path("instance").asString());
            }
        }
        return instances;
    }

    /** The sample values of an instant query. */
    List<Double> values(String promql) throws Exception {
        List<Double> values = new ArrayList<>();
        query(promql).path("data").path("result").forEach(r -> values.add(Double.parseDouble(r.path("value").get(1).asString())));
        return values;
    }

    private JsonNode query(String promql) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }
}
