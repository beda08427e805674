package lab.cluster.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The infrastructure servers a test or the local cluster needs, each in
 * {@code <dir>/<server>}: PostgreSQL, Redis, ZooKeeper and a Kafka cluster, whichever were
 * configured. Started one after another (two cores), stopped in reverse order.
 *
 * <pre>{@code
 * try (Infrastructure infra = Infrastructure.builder(dir).postgres().redis().kafka(1).start()) {
 *     String url = infra.jdbcUrl("payments");
 * }
 * }</pre>
 */
public final class Infrastructure implements AutoCloseable {

    private final PostgresServer postgres;
    private final RedisServer redis;
    private final ZooKeeperServer zookeeper;
    private final KafkaCluster kafka;
    private final Duration readyTimeout;

    private Infrastructure(Builder builder) {
        Path dir = builder.dir;
        this.postgres = builder.postgresPort == null ? null
                : new PostgresServer(dir.resolve("postgres"), portOrFree(builder.postgresPort), builder.lifetime);
        this.redis = builder.redisPort == null ? null
                : new RedisServer(dir.resolve("redis"), portOrFree(builder.redisPort), builder.lifetime);
        this.zookeeper = builder.zookeeperPort == null ? null
                : new ZooKeeperServer(dir.resolve("zookeeper"), portOrFree(builder.zookeeperPort), builder.zookeeperTickTime, builder.lifetime);
        this.kafka = builder.kafkaCluster(dir.resolve("kafka"));
        this.readyTimeout = builder.readyTimeout;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * Starts every configured server that is not running (adopted ones are left alone) and waits
     * until each is ready before the next; on failure stops what it started and rethrows.
     */
    public Infrastructure start() {
        try {
            for (LocalServer server : List.of(optional(postgres), optional(redis), optional(zookeeper)).stream()
                    .flatMap(Optional::stream).toList()) {
                if (!server.isRunning()) {
                    server.startAndAwaitReady(readyTimeout);
                }
            }
            if (kafka != null) {
                kafka.start();
                kafka.awaitReady(readyTimeout);
            }
            return this;
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Adopts servers left running by an earlier JVM; true when every configured server was adopted. */
    public boolean attach() {
        boolean all = true;
        for (LocalServer server : servers()) {
            all &= server.attach();
        }
        return all;
    }

    /** Stops every server, Kafka first and PostgreSQL last. */
    @Override
    public void close() {
        RuntimeException failure = null;
        List<Runnable> stops = new ArrayList<>();
        optional(kafka).ifPresent(cluster -> stops.add(cluster::stop));
        optional(zookeeper).ifPresent(server -> stops.add(server::stop));
        optional(redis).ifPresent(server -> stops.add(server::stop));
        optional(postgres).ifPresent(server -> stops.add(server::stop));
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public PostgresServer postgres() {
        return configured(postgres, "postgres");
    }

    public RedisServer redis() {
        return configured(redis, "redis");
    }

    public ZooKeeperServer zookeeper() {
        return configured(zookeeper, "zookeeper");
    }

    public KafkaCluster kafka() {
        return configured(kafka, "kafka");
    }

    public String jdbcUrl(String database) {
        return postgres().jdbcUrl(database);
    }

    public String redisUri() {
        return redis().uri().toString();
    }

    public String zookeeperConnect() {
        return zookeeper().connectString();
    }

    public String kafkaBootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Every server in start order: postgres, redis, zookeeper, kafka-1..n (those configured). */
    public List<LocalServer> servers() {
        List<LocalServer> servers = new ArrayList<>();
        optional(postgres).ifPresent(servers::add);
        optional(redis).ifPresent(servers::add);
        optional(zookeeper).ifPresent(servers::add);
        optional(kafka).ifPresent(cluster -> servers.addAll(cluster.brokers()));
        return List.copyOf(servers);
    }

    public LocalServer server(String name) {
        return servers().stream().filter(server -> server.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server '" + name + "'; configured: "
                        + servers().stream().map(LocalServer::name).collect(Collectors.joining(", "))));
    }

    private static <T> T configured(T server, String name) {
        if (server == null) {
            throw new IllegalStateException(name + " is not configured: call " + name + "() on Infrastructure.builder");
        }
        return server;
    }

    private static <T> Optional<T> optional(T server) {
        return Optional.ofNullable(server);
    }

    private static int portOrFree(int port) {
        return port == 0 ? FreePorts.pick() : port;
    }

    /** Which servers, on which ports (0 = pick a free one when built), living how long. */
    public static final class Builder {
        private final Path dir;
        private Integer postgresPort;
        private Integer redisPort;
        private Integer zookeeperPort;
        private Duration zookeeperTickTime = ZooKeeperServer.DEFAULT_TICK_TIME;
        private Supplier<List<List<Integer>>> kafkaPorts;
        private Lifetime lifetime = Lifetime.BOUND_TO_JVM;
        private Duration readyTimeout = Duration.ofMinutes(2);

        private Builder(Path dir) {
            this.dir = dir.toAbsolutePath();
        }

        public Builder postgres() {
            return postgres(0);
        }

        public Builder postgres(int port) {
            postgresPort = port;
            return this;
        }

        public Builder redis() {
            return redis(0);
        }

        public Builder redis(int port) {
            redisPort = port;
            return this;
        }

        public Builder zookeeper() {
            return zookeeper(0);
        }

        public Builder zookeeper(int port) {
            zookeeperPort = port;
            return this;
        }

        /**
         * ZooKeeper's {@code tickTime} (2 s by default). The server grants session timeouts of
         * {@code 2..20 × tickTime} only, so sessions of a few seconds need a tick of 500 ms or less.
         */
        public Builder zookeeperTickTime(Duration tickTime) {
            zookeeperTickTime = tickTime;
            return this;
        }

        /** A cluster of {@code brokers} nodes (1 or 3) on free ports. */
        public Builder kafka(int brokers) {
            kafkaPorts = () -> {
                List<Integer> ports = FreePorts.pick(2 * brokers);
                return List.of(ports.subList(0, brokers), ports.subList(brokers, 2 * brokers));
            };
            return this;
        }

        public Builder kafka(List<Integer> ports, List<Integer> controllerPorts) {
            List<List<Integer>> fixed = List.of(List.copyOf(ports), List.copyOf(controllerPorts));
            kafkaPorts = () -> fixed;
            return this;
        }

        public Builder lifetime(Lifetime lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /** How long each server (the Kafka cluster as a whole) may take to become ready. */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** The servers, not started. */
        public Infrastructure build() {
            return new Infrastructure(this);
        }

        /** {@link #build()} and {@link Infrastructure#start()}. */
        public Infrastructure start() {
            return build().start();
        }

        private KafkaCluster kafkaCluster(Path kafkaDir) {
            if (kafkaPorts == null) {
                return null;
            }
            List<List<Integer>> ports = kafkaPorts.get();
            return KafkaCluster.withPorts(kafkaDir, ports.get(0), ports.get(1), lifetime);
        }
    }
}
