package lab.cluster.topology;

/**
 * Where a node is reachable in one mode of running the cluster. Only addresses differ
 * between modes; every other setting comes from the topology unchanged.
 */
public interface Addresses {

    /** The base URL other nodes use for a service node. */
    String url(ServiceNodeSpec node);

    /** host:port of an infrastructure node's client port. */
    String hostPort(InfraNodeSpec node);

    /** The port the service node's own web server listens on. */
    int listenPort(ServiceNodeSpec node);

    /** The name the node goes by in this mode (its NODE_ID, and its name in peer lists). */
    default String nodeId(ServiceNodeSpec node) {
        return node.name();
    }

    /** On one machine: 127.0.0.1 and each node's host port (tests may remap ports). */
    static Addresses local(java.util.function.ToIntFunction<String> portOfNode) {
        return new Addresses() {
            @Override
            public String url(ServiceNodeSpec node) {
                return "http://127.0.0.1:" + portOfNode.applyAsInt(node.name());
            }

            @Override
            public String hostPort(InfraNodeSpec node) {
                return "127.0.0.1:" + portOfNode.applyAsInt(node.name());
            }

            @Override
            public int listenPort(ServiceNodeSpec node) {
                return portOfNode.applyAsInt(node.name());
            }
        };
    }

    /** In docker compose: every service node listens on 8080 under its own name. */
    static Addresses compose() {
        return new Addresses() {
            @Override
            public String url(ServiceNodeSpec node) {
                return "http://" + node.name() + ":8080";
            }

            @Override
            public String hostPort(InfraNodeSpec node) {
                int containerPort = switch (node.kind()) {
                    case POSTGRES -> 5432;
                    case REDIS -> 6379;
                    case ZOOKEEPER -> 2181;
                    case KAFKA -> 19092;
                    case PROMETHEUS -> 9090;
                };
                return node.name() + ":" + containerPort;
            }

            @Override
            public int listenPort(ServiceNodeSpec node) {
                return 8080;
            }
        };
    }

    /**
     * In Kubernetes (k8s/): Service DNS names within the namespace. A service with stable
     * identities is a StatefulSet whose pods are {@code kv-0 … kv-4} ({@link KubernetesNames}),
     * reached through its headless Service; any other service is one ClusterIP Service. Kafka
     * brokers are the pods {@code kafka-0 … kafka-2} of the headless Service {@code kafka}.
     */
    static Addresses kubernetes(KubernetesNames names) {
        return new Addresses() {
            @Override
            public String url(ServiceNodeSpec node) {
                return "http://" + names.host(node) + ":8080";
            }

            @Override
            public String hostPort(InfraNodeSpec node) {
                return names.host(node) + ":" + KubernetesNames.containerPort(node.kind());
            }

            @Override
            public int listenPort(ServiceNodeSpec node) {
                return 8080;
            }

            @Override
            public String nodeId(ServiceNodeSpec node) {
                return names.podName(node);
            }
        };
    }
}
