package lab.cluster.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana files are consistent without a Grafana: one datasource with the fixed uid every
 * panel names, dashboards with unique uids in folders, current panel types only, a query in
 * every panel, and a dashboard for every service of the topology. Whether the queries return data is {@link DashboardQueriesIT}'s job.
 */
class GrafanaProvisioningTest {

    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "table", "state-timeline");

    private final ObservabilityFiles files = ObservabilityFiles.ofRepository();

    @Test
    @SuppressWarnings("unchecked")
    void theDatasourceHasTheFixedUidAndPointsAtTheComposePrometheus() throws Exception {
        Path file = files.root().resolve("grafana/provisioning/datasources/prometheus.yml");
        Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        List<Map<String, Object>> datasources = (List<Map<String, Object>>) doc.get("datasources");
        assertThat(datasources).singleElement().satisfies(ds -> {
            assertThat(ds).containsEntry("uid", "prometheus").containsEntry("type", "prometheus")
                    .containsEntry("url", "http://prometheus:9090").containsEntry("isDefault", true);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardProviderReadsTheMountedFoldersComposeMounts() throws Exception {
        Path file = files.root().resolve("grafana/provisioning/dashboards/lab.yml");
        Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        Map<String, Object> options = (Map<String, Object>) ((List<Map<String, Object>>) doc.get("providers")).getFirst().get("options");
        assertThat(options).containsEntry("path", "/etc/grafana/dashboards").containsEntry("foldersFromFilesStructure", true);
        assertThat(Files.readString(files.root().resolve("docker-compose.yml")))
                .contains("./grafana/dashboards:/etc/grafana/dashboards:ro")
                .contains("./grafana/provisioning:/etc/grafana/provisioning:ro")
                .contains("/etc/grafana/dashboards/Lab/overview.json");
    }

    @Test
    void everyDashboardIsInAFolderWithAUniqueUidAndEveryPanelQueriesTheProvisionedDatasource() {
        Set<String> uids = new HashSet<>();
        assertThat(files.dashboardFiles()).isNotEmpty();
        assertThat(files.root().resolve("grafana/dashboards/Lab/overview.json")).isRegularFile();
        for (Path file : files.dashboardFiles()) {
            String name = files.root().relativize(file).toString();
            assertThat(file.getParent().getParent()).as(name + " is in a folder").isEqualTo(files.root().resolve("grafana/dashboards"));
            JsonNode dashboard = ObservabilityFiles.json(file);
            assertThat(uids.add(dashboard.path("uid").asString())).as(name + " uid unique").isTrue();
            assertThat(dashboard.path("title").asString()).as(name + " title").isNotBlank();
            List<JsonNode> panels = ObservabilityFiles.panels(dashboard);
            assertThat(panels).as(name).isNotEmpty();
            for (JsonNode panel : panels) {
                String type = panel.path("type").asString();
                String title = name + " / " + panel.path("title").asString();
                if (type.equals("row")) {
                    continue;
                }
                assertThat(PANEL_TYPES).as(title + " type").contains(type);
                assertThat(panel.path("datasource").path("uid").asString()).as(title + " datasource").isEqualTo("prometheus");
                assertThat(panel.path("targets").size()).as(title + " queries").isPositive();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asString()).as(title + " expr").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asString()).as(title + " target datasource").isEqualTo("prometheus");
                }
                assertThat(panel.path("gridPos").path("w").asInt()).as(title + " width").isBetween(1, 24);
            }
        }
    }

    @Test
    void everyServiceOfTheTopologyHasADashboard() {
        Path services = files.root().resolve("grafana/dashboards/Services");
        String queries = files.dashboardQueries().stream().map(ObservabilityFiles.Query::expr).collect(Collectors.joining("\n"));
        for (ServiceSpec service : Topology.load().services()) {
            String selector = "application=\"" + service.name() + "\"";
            // Its own dashboard, or panels in another one (the processor's are on the payments dashboard).
            assertThat(Files.isRegularFile(services.resolve(service.name() + ".json")) || queries.contains(selector))
                    .as(service.name() + ": grafana/dashboards/Services/" + service.name() + ".json, or panels selecting " + selector)
                    .isTrue();
        }
    }

    @Test
    void metricNamesAreFoundInPromQl() {
        assertThat(ObservabilityFiles.metricNames(
                "sum by (application, le) (rate(http_server_requests_seconds_bucket{uri!~\"/actuator.*\", a=\"b\"}[$__rate_interval])) "
                        + "or sum by (application) (rate(lab_internode_retries_total[30s])) * 0 or vector(0)"))
                .containsExactly("http_server_requests_seconds_bucket", "lab_internode_retries_total");
        assertThat(ObservabilityFiles.metricNames("histogram_quantile(0.99, sum by (le) (rate(x_bucket[1m]))) > 0.04"))
                .containsExactly("x_bucket");
        assertThat(ObservabilityFiles.metricNames("max by (node, policy) (m{mode=\"local\"}) + 2 * max by (node) (up offset 5m)"))
                .containsExactly("m", "up");
    }
}
