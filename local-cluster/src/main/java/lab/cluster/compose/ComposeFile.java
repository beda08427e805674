package lab.cluster.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import lab.cluster.node.JvmMemory;
import lab.cluster.topology.Addresses;
import lab.cluster.topology.InfraKind;
import lab.cluster.topology.InfraNodeSpec;
import lab.cluster.topology.NodeSettings;
import lab.cluster.topology.ServiceNodeSpec;
import lab.cluster.topology.ServiceSpec;
import lab.cluster.topology.Topology;

/**
 * Renders {@code docker-compose.yml} and {@code prometheus/prometheus.yml} from the topology, so
 * the containerized cluster has exactly the nodes, ports and settings of the local one and only
 * addresses differ ({@link Addresses#compose()}). The committed files are held to this output
 * by {@code ComposeFileTest}; regenerate them with
 * {@code ./mvnw -q -pl local-cluster test -Dtest=ComposeFileTest -Dlab.compose.write=true}.
 *
 * <p>The output stays within what docker-compose 1.29 accepts (no top-level {@code name:}, short
 * port syntax with {@code 127.0.0.1}, {@code mem_limit}).
 */
public final class ComposeFile {

    /** The admin token compose falls back to when .env sets none: fine on 127.0.0.1, documented as a dev token. */
    public static final String DEV_ADMIN_TOKEN = "lab-dev-admin-token";
    /**
     * The cluster credential of {@code /internal/**} compose falls back to when .env sets none: every node
     * gets the same one, so they accept each other; fine on 127.0.0.1, documented as a dev secret.
     */
    public static final String DEV_CLUSTER_SECRET = "lab-dev-cluster-secret";
    /** One Kafka cluster id for the three brokers (a KRaft quorum needs the same one on every node). */
    public static final String KAFKA_CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw";
    public static final int KAFKA_INTERNAL_PORT = 19092;
    public static final int KAFKA_CONTROLLER_PORT = 29093;
    public static final int KAFKA_EXTERNAL_PORT = 9092;

    public static final String POSTGRES_IMAGE = "postgres:18";
    public static final String REDIS_IMAGE = "redis:7.4";
    public static final String ZOOKEEPER_IMAGE = "zookeeper:3.9";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    public static final String PROMETHEUS_IMAGE = "prom/prometheus:v3.5.0";
    public static final String GRAFANA_IMAGE = "grafana/grafana:12.2.0";
    public static final int GRAFANA_PORT = 3000;

    private final Topology topology;
    private final NodeSettings settings;

    public ComposeFile(Topology topology) {
        this.topology = topology;
        Set<String> everyNode = Set.copyOf(topology.nodeNames());
        this.settings = new NodeSettings(topology, Addresses.compose(), everyNode);
    }

    /** The environment compose gives a service node: the topology's settings plus the container's own. */
    public Map<String, String> environment(ServiceNodeSpec node) {
        // The topology's maps have no stable order: sort, so the rendering is the same on every run.
        Map<String, String> declared = new java.util.TreeMap<>(settings.declaredEnvironment(node));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NODE_ID", declared.remove("NODE_ID"));
        env.putAll(declared);
        env.put("ADMIN_TOKEN", "${ADMIN_TOKEN:-" + DEV_ADMIN_TOKEN + "}");
        env.put("CLUSTER_SECRET", "${CLUSTER_SECRET:-" + DEV_CLUSTER_SECRET + "}");
        env.put("DATA_DIR", "/data");
        env.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
        env.put("JAVA_OPTS", javaOptions(topology.serviceOf(node)));
        return env;
    }

    /**
     * The container's memory limit of a service node: the same caps as the local cluster's JVM
     * ({@link JvmMemory#forHeap}: heap, metaspace, code cache, direct memory), whose sum leaves room
     * for threads and the JVM itself because metaspace never fills its cap.
     */
    public static int memoryLimitMb(ServiceSpec service) {
        return JvmMemory.forHeap(service.heapMb()).budgetMb();
    }

    /** The heap as a share of the container limit (the JVM sizes it from the limit it sees), and the other caps. */
    public static String javaOptions(ServiceSpec service) {
        JvmMemory memory = JvmMemory.forHeap(service.heapMb());
        double percent = Math.floor(1000.0 * memory.heapMb() / memoryLimitMb(service)) / 10.0;
        return "-XX:MaxRAMPercentage=" + String.format(Locale.ROOT, "%.1f", percent)
                + " -XX:MaxMetaspaceSize=" + memory.metaspaceMb() + "m"
                + " -XX:ReservedCodeCacheSize=" + memory.codeCacheMb() + "m"
                + " -XX:MaxDirectMemorySize=" + memory.directMb() + "m"
                + " -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED";
    }

    public String render() {
        StringBuilder y = new StringBuilder();
        y.append("""
                # The containerized cluster: every node of DESIGN.md §4 as its own service.
                # GENERATED from local-cluster/src/main/resources/lab/cluster/topology.yml by
                # lab.cluster.compose.ComposeFile; do not edit by hand. Regenerate with
                #   ./mvnw -q -pl local-cluster test -Dtest=ComposeFileTest -Dlab.compose.write=true
                # docs/compose.md explains the file; docs/drills.md what to break and what to watch.
                #
                #   docker compose up -d --build            (or docker-compose, 1.29 and later)
                #   docker compose --profile load up -d     adds a steady background load
                #
                # Every port is published on 127.0.0.1 only; inside their network the nodes listen on
                # 0.0.0.0 (docs/security.md). The admin token and the cluster secret of /internal/**
                # come from .env (copy .env.example); without one they are the dev values "%s"
                # and "%s".

                x-service-node: &service-node
                  healthcheck:
                    test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://localhost:8080/actuator/health/readiness"]
                    interval: 10s
                    timeout: 3s
                    retries: 6
                    start_period: 300s
                  stop_grace_period: 30s
                  logging: &logging
                    driver: json-file
                    options: { max-size: "10m", max-file: "3" }

                services:
                """.formatted(DEV_ADMIN_TOKEN, DEV_CLUSTER_SECRET));
        for (InfraNodeSpec infra : topology.infrastructure()) {
            switch (infra.kind()) {
                case POSTGRES -> postgres(y, infra);
                case REDIS -> redis(y, infra);
                case ZOOKEEPER -> zookeeper(y, infra);
                case KAFKA -> kafka(y, infra);
                case PROMETHEUS -> prometheus(y, infra);
            }
        }
        grafana(y);
        for (ServiceSpec service : topology.services()) {
            for (ServiceNodeSpec node : service.nodes()) {
                serviceNode(y, service, node);
            }
        }
        load(y);
        y.append("\nvolumes:\n");
        for (String volume : volumes()) {
            y.append("  ").append(volume).append(":\n");
        }
        return y.toString();
    }

    /** Every named volume: one per stateful infrastructure node and one data directory per service node. */
    public List<String> volumes() {
        List<String> volumes = new ArrayList<>();
        for (InfraNodeSpec infra : topology.infrastructure()) {
            switch (infra.kind()) {
                case POSTGRES, KAFKA, PROMETHEUS -> volumes.add(infra.name() + "-data");
                case ZOOKEEPER -> {
                    volumes.add(infra.name() + "-data");
                    volumes.add(infra.name() + "-datalog");
                }
                case REDIS -> { }
            }
        }
        volumes.add("grafana-data");
        topology.serviceNodes().forEach(n -> volumes.add(n.name() + "-data"));
        return volumes;
    }

    private void serviceNode(StringBuilder y, ServiceSpec service, ServiceNodeSpec node) {
        y.append("\n  ").append(node.name()).append(":\n")
                .append("    <<: *service-node\n")
                .append("    build:\n")
                .append("      context: .\n")
                .append("      args: { MODULE: ").append(service.module()).append(" }\n")
                .append("    image: lab/").append(service.module()).append(":dev\n")
                .append("    hostname: ").append(node.name()).append('\n')
                .append("    environment:\n");
        environment(node).forEach((k, v) -> y.append("      ").append(k).append(": ").append(quote(v)).append('\n'));
        y.append("    ports: [\"127.0.0.1:").append(node.port()).append(":8080\"]\n")
                .append("    volumes: [\"").append(node.name()).append("-data:/data\"]\n")
                .append("    mem_limit: ").append(memoryLimitMb(service)).append("m\n");
    }

    private static void postgres(StringBuilder y, InfraNodeSpec node) {
        y.append("""

                  %1$s:
                    image: %2$s
                    environment:
                      POSTGRES_USER: postgres
                      POSTGRES_PASSWORD: postgres
                    ports: ["127.0.0.1:%3$d:5432"]
                    volumes: ["%1$s-data:/var/lib/postgresql"]
                    healthcheck:
                      test: ["CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1"]
                      interval: 5s
                      timeout: 3s
                      retries: 12
                      start_period: 60s
                    mem_limit: 256m
                    logging: *logging
                """.formatted(node.name(), POSTGRES_IMAGE, node.port()));
    }

    private static void redis(StringBuilder y, InfraNodeSpec node) {
        y.append("""

                  %1$s:
                    image: %2$s
                    # A cache of rate-limit buckets: nothing to persist, like the local cluster's Redis.
                    command: ["redis-server", "--save", "", "--appendonly", "no"]
                    ports: ["127.0.0.1:%3$d:6379"]
                    healthcheck:
                      test: ["CMD", "redis-cli", "ping"]
                      interval: 5s
                      timeout: 3s
                      retries: 12
                    mem_limit: 128m
                    logging: *logging
                """.formatted(node.name(), REDIS_IMAGE, node.port()));
    }

    private static void zookeeper(StringBuilder y, InfraNodeSpec node) {
        y.append("""

                  %1$s:
                    image: %2$s
                    environment:
                      ZOO_4LW_COMMANDS_WHITELIST: "ruok,srvr,stat,mntr,conf,isro"
                      ZOO_ADMINSERVER_ENABLED: "false"
                      ZOO_AUTOPURGE_PURGEINTERVAL: "1"
                      JVMFLAGS: "-Xmx128m -XX:+UseSerialGC"
                    ports: ["127.0.0.1:%3$d:2181"]
                    volumes: ["%1$s-data:/data", "%1$s-datalog:/datalog"]
                    healthcheck:
                      test: ["CMD-SHELL", "echo ruok | nc -w 2 127.0.0.1 2181 | grep -q imok"]
                      interval: 5s
                      timeout: 5s
                      retries: 12
                      start_period: 60s
                    mem_limit: 320m
                    logging: *logging
                """.formatted(node.name(), ZOOKEEPER_IMAGE, node.port()));
    }

    private void kafka(StringBuilder y, InfraNodeSpec node) {
        List<InfraNodeSpec> brokers = kafkaBrokers();
        int id = brokers.indexOf(node) + 1;
        String voters = brokers.stream()
                .map(b -> (brokers.indexOf(b) + 1) + "@" + b.name() + ":" + KAFKA_CONTROLLER_PORT)
                .collect(Collectors.joining(","));
        int replication = Math.min(3, brokers.size());
        int minIsr = Math.min(2, brokers.size());
        y.append("""

                  %1$s:
                    image: %2$s
                    hostname: %1$s
                    environment:
                      CLUSTER_ID: "%3$s"
                      KAFKA_NODE_ID: "%4$d"
                      KAFKA_PROCESS_ROLES: "broker,controller"
                      KAFKA_CONTROLLER_QUORUM_VOTERS: "%5$s"
                      KAFKA_LISTENERS: "PLAINTEXT://:%6$d,CONTROLLER://:%7$d,EXTERNAL://:%8$d"
                      # Containers use %1$s:%6$d; the host uses localhost:%9$d.
                      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://%1$s:%6$d,EXTERNAL://localhost:%9$d"
                      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT"
                      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER"
                      KAFKA_INTER_BROKER_LISTENER_NAME: "PLAINTEXT"
                      KAFKA_LOG_DIRS: "/var/lib/kafka/data"
                      KAFKA_DEFAULT_REPLICATION_FACTOR: "%10$d"
                      KAFKA_MIN_INSYNC_REPLICAS: "%11$d"
                      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "%10$d"
                      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "10"
                      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "%10$d"
                      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "%11$d"
                      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: "10"
                      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "%10$d"
                      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "%11$d"
                      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0"
                      KAFKA_REPLICA_LAG_TIME_MAX_MS: "10000"
                      # Patient quorum timeouts: on a starved 2-core machine a controller event can take
                      # seconds, and the defaults (1 s election, 60 s registration) made brokers give up.
                      KAFKA_CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS: "5000"
                      KAFKA_CONTROLLER_QUORUM_FETCH_TIMEOUT_MS: "10000"
                      KAFKA_BROKER_SESSION_TIMEOUT_MS: "18000"
                      KAFKA_INITIAL_BROKER_REGISTRATION_TIMEOUT_MS: "300000"
                      KAFKA_HEAP_OPTS: "-Xmx256m -Xms256m"
                    ports: ["127.0.0.1:%9$d:%8$d"]
                    volumes: ["%1$s-data:/var/lib/kafka/data"]
                    healthcheck:
                      # bash's /dev/tcp: a JVM-based kafka-*.sh every few seconds would cost a core on small machines.
                      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/%6$d"]
                      interval: 5s
                      timeout: 3s
                      retries: 24
                      start_period: 120s
                    mem_limit: 640m
                    logging: *logging
                """.formatted(node.name(), KAFKA_IMAGE, KAFKA_CLUSTER_ID, id, voters, KAFKA_INTERNAL_PORT,
                KAFKA_CONTROLLER_PORT, KAFKA_EXTERNAL_PORT, node.port(), replication, minIsr));
    }

    private static void prometheus(StringBuilder y, InfraNodeSpec node) {
        y.append("""

                  %1$s:
                    image: %2$s
                    command:
                      - --config.file=/etc/prometheus/prometheus.yml
                      - --storage.tsdb.path=/prometheus
                      - --storage.tsdb.retention.time=2d
                      - --web.enable-lifecycle
                    ports: ["127.0.0.1:%3$d:9090"]
                    volumes: ["./prometheus:/etc/prometheus:ro", "%1$s-data:/prometheus"]
                    healthcheck:
                      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost:9090/-/ready"]
                      interval: 5s
                      timeout: 3s
                      retries: 12
                    mem_limit: 384m
                    logging: *logging
                """.formatted(node.name(), PROMETHEUS_IMAGE, node.port()));
    }

    private static void grafana(StringBuilder y) {
        y.append("""

                  grafana:
                    image: %1$s
                    environment:
                      GF_AUTH_ANONYMOUS_ENABLED: "true"
                      GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer"
                      GF_SECURITY_ADMIN_USER: "admin"
                      GF_SECURITY_ADMIN_PASSWORD: "${GRAFANA_ADMIN_PASSWORD:-admin}"
                      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: "/etc/grafana/dashboards/Lab/overview.json"
                      GF_ANALYTICS_REPORTING_ENABLED: "false"
                      GF_ANALYTICS_CHECK_FOR_UPDATES: "false"
                      GF_NEWS_NEWS_FEED_ENABLED: "false"
                    ports: ["127.0.0.1:%2$d:3000"]
                    volumes:
                      - "./grafana/provisioning:/etc/grafana/provisioning:ro"
                      - "./grafana/dashboards:/etc/grafana/dashboards:ro"
                      - "grafana-data:/var/lib/grafana"
                    healthcheck:
                      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost:3000/api/health"]
                      interval: 5s
                      timeout: 3s
                      retries: 24
                    mem_limit: 256m
                    logging: *logging
                """.formatted(GRAFANA_IMAGE, GRAFANA_PORT));
    }

    /**
     * The load-tests runner's {@code background} scenario through the gateway: the Gatling simulations
     * {@code ./cluster up --load} runs, so there is no second load generator to drift from them. It
     * waits for the gateway because its subscribers connect once, at the start.
     */
    private void load(StringBuilder y) {
        ServiceNodeSpec gateway = topology.services().stream().filter(s -> s.name().equals("gateway"))
                .flatMap(s -> s.nodes().stream()).findFirst()
                .orElseThrow(() -> new IllegalStateException("the load profile runs through the gateway; the topology has none"));
        y.append("""

                  # docker compose --profile load up -d: the load tests' background scenario (the Gatling
                  # day-in-the-life mix, as ./cluster up --load runs it) through the gateway, so no panel is empty.
                  load:
                    profiles: ["load"]
                    build:
                      context: .
                      dockerfile: load-tests/Dockerfile
                    image: lab/load-tests:dev
                    command: ["background", "--rate", "${LOAD_RATE_PER_SECOND:-5}", "--target", "%s"]
                    depends_on:
                      %s: { condition: service_healthy }
                    # A client, not a server: nothing to probe (the image's own check is for service nodes).
                    healthcheck: { disable: true }
                    mem_limit: 512m
                    logging: *logging
                """.formatted(Addresses.compose().url(gateway), gateway.name()));
    }

    /** prometheus/prometheus.yml: every service node every 5 s, one job per service, the node name as instance. */
    public String renderPrometheus() {
        StringBuilder y = new StringBuilder("""
                # Scrape configuration of the containerized cluster.
                # GENERATED from local-cluster/src/main/resources/lab/cluster/topology.yml by
                # lab.cluster.compose.ComposeFile; do not edit by hand (see docker-compose.yml).
                # The local cluster writes the same jobs and instance labels with 127.0.0.1 addresses.
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                rule_files:
                  - /etc/prometheus/rules/*.yml
                scrape_configs:
                """);
        for (ServiceSpec service : topology.services()) {
            y.append("  - job_name: '").append(service.name()).append("'\n")
                    .append("    metrics_path: /actuator/prometheus\n")
                    .append("    static_configs:\n");
            for (ServiceNodeSpec node : service.nodes()) {
                y.append("      - targets: ['").append(node.name()).append(":8080']\n")
                        .append("        labels: { instance: '").append(node.name()).append("' }\n");
            }
        }
        return y.toString();
    }

    private List<InfraNodeSpec> kafkaBrokers() {
        return topology.infrastructure().stream().filter(n -> n.kind() == InfraKind.KAFKA).toList();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
