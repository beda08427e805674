package lab.cluster.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All four servers through {@link Infrastructure}, each used for real, then restarted, killed
 * and adopted. Every test leaves the servers running, so they can run in any order.
 */
class InfrastructureIT {

    private static final Duration READY = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    static Infrastructure infra;

    @BeforeAll
    static void startEverything() {
        infra = Infrastructure.builder(dir).postgres().redis().zookeeper().kafka(1).readyTimeout(READY).start();
        infra.servers().forEach(server -> System.out.printf("first start of %s: %d ms%n",
                server.name(), server.startupTime().toMillis()));
    }

    @AfterAll
    static void stopEverything() {
        if (infra != null) {
            infra.close();
            assertThat(infra.servers()).noneMatch(LocalServer::isRunning);
        }
    }

    @Test
    void namesEveryServerInStartOrder() {
        assertThat(infra.servers()).extracting(LocalServer::name).containsExactly("postgres", "redis", "zookeeper", "kafka-1");
        assertThat(infra.server("kafka-1")).isSameAs(infra.kafka().broker(1));
        assertThat(infra.servers()).allSatisfy(server -> {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.logFile()).exists();
            assertThat(server.dataDir().resolve("pid")).hasContent(Long.toString(server.pid().orElseThrow()));
        });
        Infrastructure onlyRedis = Infrastructure.builder(dir.resolve("other")).redis().build();
        assertThatThrownBy(onlyRedis::postgres).isInstanceOf(IllegalStateException.class).hasMessageContaining("postgres is not configured");
    }

    @Test
    void postgresAnswersSqlAndKeepsRowsAcrossAKill() throws Exception {
        PostgresServer postgres = infra.postgres();
        postgres.createDatabase("lab_it");
        postgres.createDatabase("lab_it"); // idempotent
        try (Connection connection = postgres.connect("lab_it"); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE ledger (id int PRIMARY KEY, amount_cents bigint NOT NULL)");
            sql.execute("INSERT INTO ledger VALUES (1, 500), (2, -500)");
            assertThat(single(sql, "SHOW fsync")).isEqualTo("on");
        }
        long pid = postgres.pid().orElseThrow();

        postgres.kill();
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(FreePorts.isListening(postgres.port())).isFalse();
        postgres.startAndAwaitReady(READY);
        System.out.printf("postgres restart after kill: %d ms%n", postgres.startupTime().toMillis());

        try (Connection connection = postgres.connect("lab_it"); Statement sql = connection.createStatement()) {
            assertThat(single(sql, "SELECT count(*) || ':' || sum(amount_cents) FROM ledger")).isEqualTo("2:0");
        }
    }

    @Test
    void redisRunsLuaAndDiesOnKill() {
        RedisClient client = RedisClient.create(infra.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Long tokens = connection.sync().eval(
                    "local n = redis.call('INCRBY', KEYS[1], ARGV[1]); redis.call('PEXPIRE', KEYS[1], 60000); return n",
                    ScriptOutputType.INTEGER, new String[] {"bucket:it"}, "5");
            assertThat(tokens).isEqualTo(5L);
        } finally {
            client.shutdown();
        }
        RedisServer redis = infra.redis();
        long pid = redis.pid().orElseThrow();

        redis.kill();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(FreePorts.isListening(redis.port())).isFalse();
        assertThat(redis.dataDir().resolve("pid")).doesNotExist();
        redis.startAndAwaitReady(READY);
        System.out.printf("redis restart: %d ms%n", redis.startupTime().toMillis());
    }

    @Test
    void kafkaRoundTripsAndKeepsMessagesAcrossARestart() throws Exception {
        KafkaCluster kafka = infra.kafka();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("it-events", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(kafka.clusterId());
        }
        produce(kafka.bootstrapServers(), "it-events", List.of("one", "two", "three"));
        assertThat(consumeAll(kafka.bootstrapServers(), "it-events", 3)).containsExactly("one", "two", "three");

        kafka.stop();
        assertThat(kafka.brokers()).noneMatch(LocalServer::isRunning);
        kafka.startAndAwaitReady(READY);
        System.out.printf("kafka-1 restart: %d ms%n", kafka.broker(1).startupTime().toMillis());

        assertThat(consumeAll(kafka.bootstrapServers(), "it-events", 3)).containsExactly("one", "two", "three");
    }

    @Test
    void zookeeperKeepsAnEphemeralZnodeOnlyWhileItsSessionLives() throws Exception {
        ZooKeeperServer zookeeper = infra.zookeeper();
        assertThat(zookeeper.fourLetterWord("ruok")).isEqualTo("imok");
        try (CuratorFramework observer = curator(); CuratorFramework owner = curator()) {
            owner.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath("/lab/workers/w-1", "idgen-1".getBytes());
            assertThat(new String(observer.getData().forPath("/lab/workers/w-1"))).isEqualTo("idgen-1");

            owner.close(); // ends the session: the server deletes the ephemeral node

            assertThat(observer.checkExists().forPath("/lab/workers/w-1")).isNull();
        }
    }

    @Test
    void attachAdoptsRunningServersAndRefusesAPidFileNotOfTheServer() throws Exception {
        Infrastructure second = Infrastructure.builder(dir)
                .redis(infra.redis().port()).zookeeper(infra.zookeeper().port()).build();

        assertThat(second.attach()).isTrue();
        assertThat(second.redis().pid()).isEqualTo(infra.redis().pid());
        assertThat(second.zookeeper().pid()).isEqualTo(infra.zookeeper().pid());

        // A recycled pid: alive, but not the server (this test JVM's own pid).
        Path strayDir = dir.resolve("stray");
        Files.createDirectories(strayDir.resolve("redis"));
        Files.writeString(strayDir.resolve("redis/pid"), ProcessHandle.current().pid() + "\n");
        Infrastructure stray = Infrastructure.builder(strayDir).redis().build();
        assertThat(stray.attach()).isFalse();
        assertThat(stray.redis().isRunning()).isFalse();
        assertThat(strayDir.resolve("redis/pid")).doesNotExist();
    }

    private static CuratorFramework curator() {
        CuratorFramework client = CuratorFrameworkFactory.newClient(infra.zookeeperConnect(), new RetryOneTime(200));
        client.start();
        return client;
    }

    private static String single(Statement sql, String query) throws Exception {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void produce(String bootstrap, String topic, List<String> values) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads {@code count} values from the beginning of the topic, failing after a minute. */
    static List<String> consumeAll(String bootstrap, String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadlineNanos = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (values.size() < count && System.nanoTime() < deadlineNanos) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
