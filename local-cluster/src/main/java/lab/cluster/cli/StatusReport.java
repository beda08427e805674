package lab.cluster.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.cluster.ClusterLauncher;
import lab.cluster.infra.LocalServer;
import lab.cluster.node.ServiceNode;
import lab.cluster.prometheus.PrometheusServer;
import tools.jackson.databind.json.JsonMapper;

/** Renders what the launcher sees as the table people read and the JSON scripts read. */
final class StatusReport {

    private final List<NodeStatus> nodes;
    private final Path dataRoot;

    private StatusReport(List<NodeStatus> nodes, Path dataRoot) {
        this.nodes = nodes;
        this.dataRoot = dataRoot;
    }

    static StatusReport of(ClusterLauncher launcher) {
        List<NodeStatus> rows = new ArrayList<>();
        for (LocalServer server : launcher.servers()) {
            String service;
            String address;
            if (server instanceof ServiceNode node) {
                service = node.service();
                address = node.url().toString();
            } else if (server instanceof PrometheusServer prometheus) {
                service = "observability";
                address = prometheus.url().toString();
            } else {
                service = "infrastructure";
                address = "127.0.0.1:" + launcher.plan().portOf(server.name());
            }
            boolean running = server.isRunning();
            rows.add(new NodeStatus(server.name(), service, running, running && server.isReady(), server.pid(),
                    address, server.logFile(), NodeStatus.residentMb(server.pid())));
        }
        return new StatusReport(rows, launcher.plan().dataRoot());
    }

    boolean anyRunning() {
        return nodes.stream().anyMatch(NodeStatus::running);
    }

    long residentMbTotal() {
        return nodes.stream().mapToLong(NodeStatus::residentMb).sum();
    }

    void printTable(PrintStream out) {
        out.printf("%-12s %-15s %-8s %-6s %-8s %-24s %s%n", "NODE", "SERVICE", "STATE", "READY", "PID", "ADDRESS", "MEMORY");
        for (NodeStatus node : nodes) {
            out.printf("%-12s %-15s %-8s %-6s %-8s %-24s %s%n", node.name(), node.service(), node.state(),
                    node.running() ? (node.ready() ? "yes" : "no") : "-",
                    node.pid().isPresent() ? Long.toString(node.pid().getAsLong()) : "-",
                    node.address(), node.running() ? node.residentMb() + " MiB" : "-");
        }
    }

    void printJson(PrintStream out, String gatewayUrl) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (NodeStatus node : nodes) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", node.name());
            entry.put("service", node.service());
            entry.put("state", node.state());
            entry.put("ready", node.ready());
            entry.put("pid", node.pid().isPresent() ? node.pid().getAsLong() : null);
            entry.put(node.address().startsWith("http") ? "url" : "address", node.address());
            entry.put("log", node.log().toString());
            entry.put("residentMb", node.residentMb());
            list.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", anyRunning());
        body.put("ready", !nodes.isEmpty() && nodes.stream().allMatch(NodeStatus::ready));
        body.put("gatewayUrl", gatewayUrl);
        body.put("dataDir", dataRoot.toString());
        body.put("residentMb", residentMbTotal());
        body.put("nodes", list);
        out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }
}
