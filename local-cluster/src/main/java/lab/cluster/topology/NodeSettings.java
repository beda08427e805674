package lab.cluster.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a service node's settings into the environment it runs with in one mode, resolving
 * the address placeholders of the topology:
 * <ul>
 *   <li>{@code {{url:kv-1}}}: the node's base URL;</li>
 *   <li>{@code {{urls:kv-store}}}, {@code {{peers:kv-store}}}: the service's running nodes as
 *       {@code url,url} or {@code name=url,name=url};</li>
 *   <li>{@code {{hostport:zookeeper}}}, {@code {{zookeeper}}}, {@code {{redis}}} (a
 *       {@code redis://} URI), {@code {{jdbc:payments}}} (a JDBC URL to that database),
 *       {@code {{kafka}}} (the bootstrap list of the running brokers).</li>
 * </ul>
 * Only nodes that are part of this run count, so a test of three kv nodes gives each node
 * those three peers, not five.
 */
public final class NodeSettings {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z]+)(?::([a-z0-9-]+))?\\s*}}");

    private final Topology topology;
    private final Addresses addresses;
    private final Predicate<String> inThisRun;

    public NodeSettings(Topology topology, Addresses addresses, Set<String> nodesInThisRun) {
        this.topology = topology;
        this.addresses = addresses;
        this.inThisRun = nodesInThisRun::contains;
    }

    /** NODE_ID, SERVER_PORT and the service's and node's own settings, resolved. */
    public Map<String, String> environment(ServiceNodeSpec node) {
        ServiceSpec service = topology.serviceOf(node);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NODE_ID", addresses.nodeId(node));
        env.put("SERVER_PORT", Integer.toString(addresses.listenPort(node)));
        service.env().forEach((k, v) -> env.put(k, resolve(v, node)));
        node.env().forEach((k, v) -> env.put(k, resolve(v, node)));
        return env;
    }

    /** The service's and node's own settings without the mode's NODE_ID/SERVER_PORT: what compose must match. */
    public Map<String, String> declaredEnvironment(ServiceNodeSpec node) {
        Map<String, String> env = environment(node);
        env.remove("SERVER_PORT");
        return env;
    }

    public String resolve(String template, ServiceNodeSpec forNode) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(expand(m.group(1), m.group(2), forNode)));
        }
        m.appendTail(out);
        if (out.indexOf("{{") >= 0) {
            throw new TopologyException("unresolved placeholder in '" + template + "' for " + forNode.name());
        }
        return out.toString();
    }

    private String expand(String function, String argument, ServiceNodeSpec forNode) {
        return switch (function) {
            case "url" -> addresses.url(serviceNode(argument));
            case "urls" -> String.join(",", runningNodes(argument).stream().map(addresses::url).distinct().toList());
            case "peers" -> String.join(",", runningNodes(argument).stream().map(n -> addresses.nodeId(n) + "=" + addresses.url(n)).distinct().toList());
            case "hostport" -> addresses.hostPort(infra(argument));
            case "zookeeper" -> addresses.hostPort(firstOfKind(InfraKind.ZOOKEEPER));
            case "redis" -> "redis://" + addresses.hostPort(firstOfKind(InfraKind.REDIS));
            case "jdbc" -> "jdbc:postgresql://" + addresses.hostPort(firstOfKind(InfraKind.POSTGRES)) + "/" + require(argument, "jdbc");
            case "kafka" -> String.join(",", topology.infrastructure().stream()
                    .filter(n -> n.kind() == InfraKind.KAFKA && inThisRun.test(n.name()))
                    .map(addresses::hostPort).toList());
            case "node" -> forNode.name();
            default -> throw new TopologyException("unknown placeholder {{" + function + "}}");
        };
    }

    private List<ServiceNodeSpec> runningNodes(String service) {
        return topology.service(require(service, "peers/urls")).nodes().stream().filter(n -> inThisRun.test(n.name())).toList();
    }

    private ServiceNodeSpec serviceNode(String name) {
        return topology.serviceNode(require(name, "url"))
                .orElseThrow(() -> new TopologyException("{{url:" + name + "}} names no service node"));
    }

    private InfraNodeSpec infra(String name) {
        return topology.infraNode(require(name, "hostport"))
                .orElseThrow(() -> new TopologyException("{{hostport:" + name + "}} names no infrastructure node"));
    }

    private InfraNodeSpec firstOfKind(InfraKind kind) {
        return topology.infrastructure().stream().filter(n -> n.kind() == kind).findFirst()
                .orElseThrow(() -> new TopologyException("the topology has no " + kind + " node"));
    }

    private static String require(String argument, String function) {
        if (argument == null) {
            throw new TopologyException("{{" + function + ":…}} needs an argument");
        }
        return argument;
    }
}
