package lab.cluster.topology;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the topology's nodes are named in Kubernetes (k8s/). A service needs stable identities,
 * and so runs as a StatefulSet, when some setting names its nodes one by one: {@code {{peers:S}}}
 * or {@code {{url:node}}}. Its pods are then the StatefulSet's ordinals, {@code kv-1 … kv-5}
 * becoming {@code kv-0 … kv-4} behind the headless Service {@code kv}. Every other service is a
 * Deployment behind one ClusterIP Service named after it, where {@code {{urls:S}}} is that one
 * URL and the Service balances. The Kafka brokers {@code kafka-1 … kafka-3} are the pods
 * {@code kafka-0 … kafka-2} of the headless Service {@code kafka}.
 */
public final class KubernetesNames {

    private static final Pattern PER_NODE = Pattern.compile("\\{\\{\\s*(peers|url):([a-z0-9-]+)\\s*}}");
    private static final Pattern NUMBERED = Pattern.compile("(.+)-(\\d+)");

    private final Topology topology;
    private final Set<String> statefulServices = new LinkedHashSet<>();

    public KubernetesNames(Topology topology) {
        this.topology = topology;
        for (ServiceSpec service : topology.services()) {
            markPerNodeReferences(service.env().values());
            service.nodes().forEach(n -> markPerNodeReferences(n.env().values()));
        }
        for (String name : statefulServices) {
            ServiceSpec service = topology.service(name);
            String stem = stem(service.nodes().getFirst().name());
            for (ServiceNodeSpec node : service.nodes()) {
                if (!stem.equals(stem(node.name()))) {
                    throw new TopologyException("the nodes of " + name + " must be named " + stem
                            + "-N to become the pods of one StatefulSet, not " + node.name());
                }
            }
        }
    }

    private void markPerNodeReferences(Iterable<String> values) {
        for (String value : values) {
            Matcher m = PER_NODE.matcher(value);
            while (m.find()) {
                String service = m.group(1).equals("peers") ? m.group(2)
                        : topology.serviceNode(m.group(2)).map(ServiceNodeSpec::service)
                                .orElseThrow(() -> new TopologyException("{{url:" + m.group(2) + "}} names no service node"));
                statefulServices.add(topology.service(service).name());
            }
        }
    }

    /** Whether the service runs as a StatefulSet (its nodes are named one by one somewhere). */
    public boolean isStateful(ServiceSpec service) {
        return statefulServices.contains(service.name());
    }

    /** The StatefulSet (and its headless Service) or Deployment (and its Service) of a service. */
    public String workloadName(ServiceSpec service) {
        return isStateful(service) ? stem(service.nodes().getFirst().name()) : service.name();
    }

    /** The pod a node becomes: the StatefulSet ordinal; a Deployment's pods have generated names, so its workload's. */
    public String podName(ServiceNodeSpec node) {
        ServiceSpec service = topology.serviceOf(node);
        return isStateful(service) ? workloadName(service) + "-" + service.nodes().indexOf(node) : workloadName(service);
    }

    /** The DNS name a node is reached at within the namespace. */
    public String host(ServiceNodeSpec node) {
        ServiceSpec service = topology.serviceOf(node);
        return isStateful(service) ? podName(node) + "." + workloadName(service) : service.name();
    }

    /** The DNS name an infrastructure node is reached at: a broker's pod, or the Service named after the node. */
    public String host(InfraNodeSpec node) {
        if (node.kind() != InfraKind.KAFKA) {
            return node.name();
        }
        List<InfraNodeSpec> brokers = topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.KAFKA).toList();
        String stem = stem(node.name());
        return stem + "-" + brokers.indexOf(node) + "." + stem;
    }

    /** The port an infrastructure server listens on inside its pod. */
    public static int containerPort(InfraKind kind) {
        return switch (kind) {
            case POSTGRES -> 5432;
            case REDIS -> 6379;
            case ZOOKEEPER -> 2181;
            case KAFKA -> 9092;
            case PROMETHEUS -> 9090;
        };
    }

    private static String stem(String name) {
        Matcher m = NUMBERED.matcher(name);
        return m.matches() ? m.group(1) : name;
    }
}
