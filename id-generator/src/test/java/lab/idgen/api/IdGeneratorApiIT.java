package lab.idgen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.cluster.infra.Infrastructure;
import lab.idgen.IdGeneratorApplication;
import lab.idgen.core.IdLayout;
import lab.idgen.reservation.HighWaterMarkFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The node's HTTP API against a real ZooKeeper, called over real HTTP. */
@SpringBootTest(classes = IdGeneratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "lab.node.id=idgen-7",
                "lab.admin.token=" + IdGeneratorApiIT.TOKEN,
                "lab.cluster.secret=" + IdGeneratorApiIT.CLUSTER_SECRET,
                "idgen.zookeeper.session-timeout=4s",
                "idgen.lease.safety-margin=1s",
                "idgen.lease.probe-interval=250ms"
        })
@DirtiesContext
@Import(IdGeneratorApiIT.StopZooKeeperLast.class)
class IdGeneratorApiIT {

    static final String TOKEN = "idgen-test-admin-token-0123";
    static final String CLUSTER_SECRET = "idgen-test-cluster-secret-0123";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Infrastructure ZOOKEEPER;
    private static final Path DATA_DIR;

    static {
        try {
            Path dir = Files.createDirectories(Path.of("target", "idgen-api-it")).toAbsolutePath();
            // A 500 ms tick, so the 4 s sessions of this test are granted (ZooKeeper allows 2..20 ticks).
            ZOOKEEPER = Infrastructure.builder(Files.createTempDirectory(dir, "zookeeper-"))
                    .zookeeper().zookeeperTickTime(Duration.ofMillis(500)).start();
            DATA_DIR = Files.createTempDirectory(dir, "data-");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void zookeeper(DynamicPropertyRegistry registry) {
        registry.add("idgen.zookeeper.connect", ZOOKEEPER::zookeeperConnect);
        registry.add("idgen.data-dir", DATA_DIR::toString);
    }

    /** Stops ZooKeeper when the context closes, after the node gave its lease back. */
    @TestConfiguration
    static class StopZooKeeperLast {
        @Bean
        DisposableBean stopZooKeeper() {
            return ZOOKEEPER::close;
        }
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
    }

    @AfterEach
    void clearFaults() throws Exception {
        send(admin("/admin/faults").DELETE());
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder admin(String path) {
        return request(path).header("Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<String> setFault(String json) throws Exception {
        return send(admin("/admin/faults").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The value of a meter of this node, optionally with one more label such as {@code kind="clock-offset"}. */
    private double metric(String name, String... label) throws Exception {
        String text = get("/actuator/prometheus").body();
        String extra = label.length == 0 ? "" : "(?=[^}]*" + Pattern.quote(label[0]) + ")";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{(?=[^}]*node=\"idgen-7\")" + extra + "[^}]*} ([0-9.E+-]+)$")
                .matcher(text);
        assertThat(m.find()).as(name + " " + String.join(",", label) + " in:\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private long[] ids(int count) throws Exception {
        HttpResponse<String> response = post("/ids?count=" + count);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        long[] ids = new long[body.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            assertThat(body.get("ids").get(i).isString()).as("IDs are JSON strings").isTrue();
            ids[i] = Long.parseLong(body.get("ids").get(i).asString());
        }
        return ids;
    }

    @Test
    void oneIdByDefaultAsAStringWithNodeAndWorker() throws Exception {
        HttpResponse<String> response = post("/ids");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.get("ids").size()).isEqualTo(1);
        assertThat(body.get("node").asString()).isEqualTo("idgen-7");
        int worker = body.get("workerId").asInt();
        long id = Long.parseLong(body.get("ids").get(0).asString());
        assertThat(IdLayout.DEFAULT.decode(id).workerId()).isEqualTo(worker);
        assertThat(IdLayout.DEFAULT.decode(id).unixMillis()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5_000L));
    }

    @Test
    void aBatchIsAStrictlyIncreasingRunOfTheRequestedSize() throws Exception {
        long[] batch = ids(10_000);
        assertThat(batch).hasSize(10_000);
        for (int i = 1; i < batch.length; i++) {
            assertThat(batch[i]).isGreaterThan(batch[i - 1]);
        }
        long[] next = ids(5);
        assertThat(next[0]).isGreaterThan(batch[batch.length - 1]);
        assertThat(metric("idgen_batch_size_count")).isGreaterThanOrEqualTo(2);
        assertThat(metric("idgen_ids_issued_total")).isGreaterThanOrEqualTo(10_005);
    }

    @Test
    void countOutsideOneToTenThousandIsABadRequest() throws Exception {
        for (String count : new String[] {"0", "10001", "-3", "2147483647", "-2147483648"}) {
            HttpResponse<String> response = post("/ids?count=" + count);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("type").asString()).isEqualTo("/problems/invalid-parameter");
            assertThat(json(response).get("detail").asString()).contains("between 1 and 10000");
        }
        for (String count : new String[] {"lots", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e3", "%20"}) {
            HttpResponse<String> notACount = post("/ids?count=" + count);
            assertThat(notACount.statusCode()).as(count).isEqualTo(400);
            assertThat(json(notACount).get("type").asString()).isEqualTo("/problems/invalid-parameter");
        }
        HttpResponse<String> badFormat = post("/ids?format=guid");
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(json(badFormat).get("detail").asString()).contains("snowflake, uuidv7 or ulid");
    }

    @Test
    void anIdDecodesIntoItsFields() throws Exception {
        long id = ids(1)[0];
        HttpResponse<String> response = get("/ids/" + id);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("id").asString()).isEqualTo(Long.toString(id));
        assertThat(body.get("epochMillis").asLong()).isEqualTo(IdLayout.DEFAULT.unixMillisOf(id));
        assertThat(Instant.parse(body.get("timestamp").asString()).toEpochMilli()).isEqualTo(IdLayout.DEFAULT.unixMillisOf(id));
        assertThat(body.get("workerId").asInt()).isEqualTo(IdLayout.DEFAULT.workerIdOf(id));
        assertThat(body.get("sequence").asLong()).isEqualTo(IdLayout.DEFAULT.sequenceOf(id));
        assertThat(body.get("layout").get("timestampBits").asInt()).isEqualTo(41);
        assertThat(body.get("layout").get("epoch").asString()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void malformedAndFutureIdsAreBadRequests() throws Exception {
        for (String bad : new String[] {"abc", "-5", "99999999999999999999", "12.5"}) {
            HttpResponse<String> response = get("/ids/" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(response).get("type").asString()).isEqualTo("/problems/malformed-id");
            assertThat(json(response).get("node").asString()).isEqualTo("idgen-7");
        }
        long tomorrow = IdLayout.DEFAULT.encode(System.currentTimeMillis() + 86_400_000, 1, 0);
        HttpResponse<String> future = get("/ids/" + tomorrow);
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(json(future).get("type").asString()).isEqualTo("/problems/future-id");
        assertThat(json(future).get("detail").asString()).contains("later than any ID");
    }

    @Test
    void uuidv7AndUlidFormatsCarryTheSameIdAndDecode() throws Exception {
        for (String format : new String[] {"uuidv7", "ulid"}) {
            HttpResponse<String> response = post("/ids?count=3&format=" + format);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            String first = body.get("ids").get(0).asString();
            String second = body.get("ids").get(1).asString();
            assertThat(first.compareTo(second)).as("sorts like the IDs").isLessThan(0);
            JsonNode decoded = json(get("/ids/" + first));
            assertThat(decoded.get("format").asString()).isEqualTo(format);
            assertThat(decoded.get("workerId").asInt()).isEqualTo(body.get("workerId").asInt());
            assertThat(Long.parseLong(decoded.get("snowflakeId").asString())).isPositive();
        }
        String uuid = json(post("/ids?format=uuidv7")).get("ids").get(0).asString();
        assertThat(java.util.UUID.fromString(uuid).version()).isEqualTo(7);
    }

    @Test
    void theLeaseIsVisibleToTheOperatorOnly() throws Exception {
        assertThat(get("/admin/lease").statusCode()).isEqualTo(401);
        HttpResponse<String> response = send(admin("/admin/lease").GET());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("state").asString()).isEqualTo("valid");
        assertThat(body.get("workerId").asInt()).isBetween(0, 1023);
        assertThat(body.get("epoch").asLong()).isPositive();
        assertThat(body.get("remainingMillis").asLong()).isPositive().isLessThanOrEqualTo(3_000);
        assertThat(Instant.parse(body.get("validUntil").asString())).isAfter(Instant.now().minusSeconds(1));
        assertThat(body.get("sessionTimeoutMillis").asLong()).isEqualTo(4_000);
        JsonNode marks = body.get("highWaterMark");
        assertThat(marks.get("localMillis").asLong()).isGreaterThan(marks.get("lastIssuedMillis").asLong());
        assertThat(marks.get("workerRecordMillis").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(body.get("history").size()).isGreaterThanOrEqualTo(1);
        // The local mark is on disk, where DATA_DIR says.
        assertThat(new HighWaterMarkFile(DATA_DIR).load()).hasValueSatisfying(c ->
                assertThat(c.lastWorkerId()).isEqualTo(body.get("workerId").asInt()));
        assertThat(metric("idgen_lease_valid")).isEqualTo(1.0);
        assertThat(metric("idgen_hwm_writes_total", "store=\"local\"")).isPositive();
    }

    @Test
    void aSmallClockRollbackIsAbsorbedAndCounted() throws Exception {
        long[] before = ids(100);
        double rollbacksBefore = metric("idgen_clock_rollbacks_total");
        HttpResponse<String> set = setFault("{\"clockOffsetMillis\":-3000}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).get("clockOffsetMillis").asLong()).isEqualTo(-3000);
        assertThat(json(set).get("active").toString()).contains("clock-offset");
        long[] during = ids(1000);
        assertThat(during[0]).isGreaterThan(before[before.length - 1]);
        for (int i = 1; i < during.length; i++) {
            assertThat(during[i]).isGreaterThan(during[i - 1]);
        }
        assertThat(metric("idgen_clock_rollbacks_total")).isGreaterThan(rollbacksBefore);
        assertThat(metric("idgen_clock_rollback_size_seconds_max")).isGreaterThanOrEqualTo(2.5);
        assertThat(metric("lab_faults_active", "kind=\"clock-offset\"")).isEqualTo(1.0);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void aLargeRollbackIsRefusedFastWithRetryAfterAndTheNodeIsNotReady() throws Exception {
        ids(10);
        double refusalsBefore = metric("idgen_refusals_total", "reason=\"clock-rollback\"");
        assertThat(setFault("{\"clockOffsetMillis\":-60000}").statusCode()).isEqualTo(200);
        long start = System.nanoTime();
        HttpResponse<String> refused = post("/ids?count=5");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(Duration.ofSeconds(2));
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode problem = json(refused);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/clock-rollback");
        assertThat(problem.get("behindMillis").asLong()).isBetween(55_000L, 60_000L);
        assertThat(problem.get("detail").asString()).contains("ms behind the last issued ID");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(50L, 60L));
        assertThat(metric("idgen_refusals_total", "reason=\"clock-rollback\"")).isEqualTo(refusalsBefore + 1);
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("idClock").contains("OUT_OF_SERVICE");

        assertThat(send(admin("/admin/faults/clock-offset").DELETE()).statusCode()).isEqualTo(200);
        assertThat(post("/ids").statusCode()).isEqualTo(200);
    }

    @Test
    void theClockOffsetFaultIsValidatedLikeThePlatformFaults() throws Exception {
        HttpResponse<String> tooBig = setFault("{\"clockOffsetMillis\":99999999999}");
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(json(tooBig).get("field").asString()).isEqualTo("clockOffsetMillis");
        HttpResponse<String> notANumber = setFault("{\"clockOffsetMillis\":\"soon\"}");
        assertThat(notANumber.statusCode()).isEqualTo(400);
        // At the limits of a long: refused, never added to the clock (where they would wrap).
        for (String offset : new String[] {"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-604800001"}) {
            HttpResponse<String> extreme = setFault("{\"clockOffsetMillis\":" + offset + "}");
            assertThat(extreme.statusCode()).as(offset).isEqualTo(400);
            assertThat(extreme.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        }
        assertThat(json(send(admin("/admin/lease").GET())).get("clock").get("offsetMillis").asLong()).as("no refused offset was applied").isZero();
        HttpResponse<String> combined = setFault("{\"clockOffsetMillis\":1500,\"latencyMillis\":1}");
        assertThat(combined.statusCode()).isEqualTo(200);
        assertThat(json(combined).get("active").toString()).contains("clock-offset").contains("latency");
    }

    @Test
    void theTrivialEndpointAnswers() throws Exception {
        HttpResponse<String> response = send(request("/internal/noop").header("X-Lab-Cluster-Secret", CLUSTER_SECRET)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"node\":\"idgen-7\"}");
    }
}
