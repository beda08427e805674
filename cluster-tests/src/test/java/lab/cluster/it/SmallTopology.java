package lab.cluster.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.cluster.infra.FreePorts;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped topology cut down to one service, the infrastructure it needs and Prometheus, on free ports,
 * written as YAML for the CLI ({@code LAB_CLUSTER_TOPOLOGY}) so a test never touches the
 * standard ports a developer's own {@code ./cluster up} may hold.
 */
public final class SmallTopology {

    private SmallTopology() {
    }

    public static String of(String serviceName) {
        Topology shipped = Topology.load();
        ServiceSpec service = shipped.service(serviceName);
        List<Integer> ports = FreePorts.pick(shipped.infrastructureFor(service).size() * 2 + service.nodes().size() + 1);
        int next = 0;
        List<Map<String, Object>> infrastructure = new ArrayList<>();
        for (InfraNodeSpec infra : shipped.infrastructureFor(service)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", infra.name());
            entry.put("kind", infra.kind().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("port", ports.get(next++));
            if (infra.controllerPort() > 0) {
                entry.put("controllerPort", ports.get(next++));
            }
            infrastructure.add(entry);
        }
        // Prometheus too (started by ./cluster up where it is installed), on a port of its own.
        infrastructure.add(new LinkedHashMap<>(Map.of("name", "prometheus", "kind", "prometheus",
                "port", ports.get(next++), "optional", true)));
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ServiceNodeSpec node : service.nodes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", node.name());
            entry.put("port", ports.get(next++));
            if (!node.env().isEmpty()) {
                entry.put("env", new LinkedHashMap<>(node.env()));
            }
            nodes.add(entry);
        }
        Map<String, Object> serviceEntry = new LinkedHashMap<>();
        serviceEntry.put("name", service.name());
        serviceEntry.put("module", service.module());
        serviceEntry.put("heapMb", service.heapMb());
        serviceEntry.put("needs", service.needs());
        serviceEntry.put("env", new LinkedHashMap<>(service.env()));
        serviceEntry.put("nodes", nodes);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("infrastructure", infrastructure);
        root.put("services", List.of(serviceEntry));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        String yaml = new Yaml(options).dump(root);
        Topology.parse(yaml); // the same validation the CLI applies
        return yaml;
    }
}
