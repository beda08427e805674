package lab.cluster.topology;

/**
 * An infrastructure node: its name (postgres, kafka-2), kind and host port. Kafka brokers
 * also have a controller port for their KRaft quorum.
 */
public record InfraNodeSpec(String name, InfraKind kind, int port, int controllerPort, boolean optional) {
}
