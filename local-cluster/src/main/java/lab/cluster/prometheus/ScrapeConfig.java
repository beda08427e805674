package lab.cluster.prometheus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.cluster.node.ServiceNode;

/**
 * The scrape configuration of the local cluster: one job per service, one target per node,
 * labelled with the node name so dashboards show the same {@code node} values as in compose.
 */
final class ScrapeConfig {

    private ScrapeConfig() {
    }

    static String render(List<ServiceNode> targets, Path rulesDir) {
        Map<String, StringBuilder> jobs = new LinkedHashMap<>();
        for (ServiceNode node : targets) {
            jobs.computeIfAbsent(node.service(), s -> new StringBuilder())
                    .append("      - targets: ['127.0.0.1:").append(node.port()).append("']\n")
                    .append("        labels: { instance: '").append(node.name()).append("' }\n");
        }
        StringBuilder yaml = new StringBuilder("""
                # Written by ./cluster up for this run; regenerated at every start.
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                """);
        if (rulesDir != null && Files.isDirectory(rulesDir)) {
            yaml.append("rule_files:\n  - '").append(rulesDir.toAbsolutePath()).append("/*.yml'\n");
        }
        yaml.append("scrape_configs:\n");
        jobs.forEach((service, staticConfigs) -> yaml
                .append("  - job_name: '").append(service).append("'\n")
                .append("    metrics_path: /actuator/prometheus\n")
                .append("    static_configs:\n")
                .append(staticConfigs));
        return yaml.toString();
    }
}
