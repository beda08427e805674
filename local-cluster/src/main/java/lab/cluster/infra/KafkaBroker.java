package lab.cluster.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One KRaft node of a {@link KafkaCluster}, broker and controller in one process ({@code kafka.Kafka}
 * in a child JVM). Its log dir is {@code <dataDir>/data}; on the first start it is formatted
 * with {@code kafka.tools.StorageTool format} and the cluster's id, later starts reuse it.
 */
public final class KafkaBroker extends JvmServer {

    /** Logged by KafkaRaftServer once the broker is unfenced and serves requests. */
    private static final String STARTED_MESSAGE = "Kafka Server started";
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);

    private final int nodeId;
    private final int port;
    private final int controllerPort;
    private final KafkaQuorum quorum;

    KafkaBroker(int nodeId, Path dataDir, int port, int controllerPort, KafkaQuorum quorum, Lifetime lifetime) {
        super("kafka-" + nodeId, dataDir, lifetime);
        this.nodeId = nodeId;
        this.port = port;
        this.controllerPort = controllerPort;
        this.quorum = quorum;
    }

    public int nodeId() {
        return nodeId;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public String bootstrapServer() {
        return "127.0.0.1:" + port;
    }

    private Path config() {
        return dataDir().resolve("server.properties");
    }

    private Path logDir() {
        return dataDir().resolve("data");
    }

    @Override
    protected void prepare() throws IOException {
        super.prepare();
        Files.writeString(config(), serverProperties());
        if (!Files.exists(logDir().resolve("meta.properties"))) {
            List<String> format = javaCommand("kafka.tools.StorageTool",
                    List.of("format", "--cluster-id", quorum.clusterId(), "--config", config().toString(),
                            "--ignore-formatted"));
            String output = CommandRun.run(format, dataDir(), FORMAT_TIMEOUT);
            appendToLog(output);
        }
    }

    /**
     * Replication settings follow the cluster size: with three nodes every internal topic has
     * three replicas and writes with acks=all need two in sync, so one node may die; a single
     * node can only have one of each.
     */
    private String serverProperties() {
        int replicas = Math.min(3, quorum.size());
        int minInSync = Math.min(2, quorum.size());
        return """
                process.roles=broker,controller
                node.id=%d
                controller.quorum.voters=%s
                listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
                advertised.listeners=PLAINTEXT://127.0.0.1:%d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%s
                num.partitions=1
                auto.create.topics.enable=true
                default.replication.factor=%d
                min.insync.replicas=%d
                offsets.topic.replication.factor=%d
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=%d
                transaction.state.log.min.isr=%d
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=%d
                share.coordinator.state.topic.min.isr=%d
                # consumers of a fresh group start at once instead of after 3 s
                group.initial.rebalance.delay.ms=0
                # a follower that stopped fetching leaves the ISR after 10 s rather than 30 s
                replica.lag.time.max.ms=10000
                """.formatted(nodeId, quorum.voters(), port, controllerPort, port, logDir(),
                replicas, minInSync, replicas, replicas, minInSync, replicas, minInSync);
    }

    @Override
    protected String mainClass() {
        return "kafka.Kafka";
    }

    @Override
    protected List<String> arguments() {
        return List.of(config().toString());
    }

    @Override
    protected int heapMegabytes() {
        return 384;
    }

    @Override
    protected int metaspaceMegabytes() {
        return 160;
    }

    /** The port alone is not enough: the acceptor binds it before the broker is unfenced. */
    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.tcp(port).and(ReadinessProbe.logContains(logFile(), STARTED_MESSAGE, logOffsetAtStart()));
    }

    /** A controlled shutdown moves leadership away first; give it time before SIGKILL. */
    @Override
    protected Duration stopTimeout() {
        return Duration.ofSeconds(20);
    }
}
