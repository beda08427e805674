package lab.cluster.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one description of the cluster (DESIGN.md §4): every infrastructure and service node,
 * its host port, and the settings each service node gets. The local launcher reads it, and a
 * test holds docker-compose.yml to it, so the two modes cannot drift. It lives in
 * {@code local-cluster/src/main/resources/lab/cluster/topology.yml}.
 */
public record Topology(List<InfraNodeSpec> infrastructure, List<ServiceSpec> services) {

    public static final String RESOURCE = "lab/cluster/topology.yml";
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public Topology {
        infrastructure = List.copyOf(infrastructure);
        services = List.copyOf(services);
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (InfraNodeSpec node : infrastructure) {
            checkName(node.name(), names);
            checkPort(node.name(), node.port(), ports);
            if (node.kind() == InfraKind.KAFKA) {
                checkPort(node.name() + " controller", node.controllerPort(), ports);
            }
        }
        for (ServiceSpec service : services) {
            if (service.nodes().isEmpty()) {
                throw new TopologyException("service " + service.name() + " has no nodes");
            }
            for (String need : service.needs()) {
                if (infrastructure.stream().noneMatch(n -> n.name().equals(need) || n.kind().name().equalsIgnoreCase(need))) {
                    throw new TopologyException("service " + service.name() + " needs '" + need + "', which is not in the topology");
                }
            }
            for (ServiceNodeSpec node : service.nodes()) {
                checkName(node.name(), names);
                checkPort(node.name(), node.port(), ports);
            }
        }
    }

    /** The topology shipped with the launcher. */
    public static Topology load() {
        try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new TopologyException(RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Topology parse(String yaml) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (!(root instanceof Map<?, ?> map)) {
            throw new TopologyException("the topology must be a YAML mapping with 'infrastructure' and 'services'");
        }
        List<InfraNodeSpec> infrastructure = new ArrayList<>();
        for (Map<String, Object> entry : list(map.get("infrastructure"), "infrastructure")) {
            infrastructure.add(new InfraNodeSpec(
                    string(entry, "name"),
                    InfraKind.parse(string(entry, "kind")),
                    integer(entry, "port"),
                    entry.containsKey("controllerPort") ? integer(entry, "controllerPort") : 0,
                    Boolean.TRUE.equals(entry.get("optional"))));
        }
        List<ServiceSpec> services = new ArrayList<>();
        for (Map<String, Object> entry : list(map.get("services"), "services")) {
            String service = string(entry, "name");
            List<ServiceNodeSpec> nodes = new ArrayList<>();
            for (Map<String, Object> node : list(entry.get("nodes"), service + ".nodes")) {
                nodes.add(new ServiceNodeSpec(string(node, "name"), service, integer(node, "port"), strings(node.get("env"))));
            }
            List<String> needs = entry.get("needs") == null ? List.of() : ((List<Object>) entry.get("needs")).stream().map(String::valueOf).toList();
            services.add(new ServiceSpec(service,
                    entry.containsKey("module") ? string(entry, "module") : service,
                    entry.containsKey("heapMb") ? integer(entry, "heapMb") : 128,
                    strings(entry.get("env")), needs, nodes));
        }
        return new Topology(infrastructure, services);
    }

    public List<ServiceNodeSpec> serviceNodes() {
        return services.stream().flatMap(s -> s.nodes().stream()).toList();
    }

    public Optional<ServiceNodeSpec> serviceNode(String name) {
        return serviceNodes().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Optional<InfraNodeSpec> infraNode(String name) {
        return infrastructure.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public ServiceSpec service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new TopologyException("no service '" + name + "'; services: "
                        + services.stream().map(ServiceSpec::name).toList()));
    }

    public ServiceSpec serviceOf(ServiceNodeSpec node) {
        return service(node.service());
    }

    /** Every node name, infrastructure first, in start order. */
    public List<String> nodeNames() {
        List<String> names = new ArrayList<>();
        infrastructure.forEach(n -> names.add(n.name()));
        serviceNodes().forEach(n -> names.add(n.name()));
        return names;
    }

    /** Fails with the list of known names, for a CLI argument or a test that names a node. */
    public void requireNode(String name) {
        if (!nodeNames().contains(name)) {
            throw new TopologyException("unknown node '" + name + "'; nodes: " + String.join(", ", nodeNames()));
        }
    }

    /** The infrastructure nodes a service needs, by name or by kind ({@code kafka} means every broker). */
    public List<InfraNodeSpec> infrastructureFor(ServiceSpec service) {
        return infrastructure.stream()
                .filter(n -> service.needs().contains(n.name()) || service.needs().contains(n.kind().name().toLowerCase(java.util.Locale.ROOT)))
                .toList();
    }

    private static void checkName(String name, Set<String> seen) {
        if (!NODE_NAME.matcher(name).matches()) {
            throw new TopologyException("'" + name + "' is not a valid node name");
        }
        if (!seen.add(name)) {
            throw new TopologyException("node name '" + name + "' appears twice");
        }
    }

    private static void checkPort(String what, int port, Set<Integer> seen) {
        if (port < 1 || port > 65535) {
            throw new TopologyException(what + " has an invalid port " + port);
        }
        if (!seen.add(port)) {
            throw new TopologyException(what + " reuses port " + port);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new TopologyException(what + " must be a list");
        }
        return (List<Map<String, Object>>) list;
    }

    private static String string(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new TopologyException("missing '" + key + "' in " + map);
        }
        return String.valueOf(value);
    }

    private static int integer(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Integer i)) {
            throw new TopologyException("'" + key + "' must be a whole number in " + map);
        }
        return i;
    }

    private static Map<String, String> strings(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new TopologyException("env must be a mapping, got " + value);
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
