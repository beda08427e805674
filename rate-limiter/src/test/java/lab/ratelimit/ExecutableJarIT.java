package lab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lab.ratelimit.api.Http;
import lab.ratelimit.redis.EmbeddedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service started with {@code java -jar} while Redis is still down: it becomes ready,
 * serves the failure modes, and enforces globally once Redis appears, without a restart.
 */
class ExecutableJarIT {

    private Process process;
    private EmbeddedRedis redis;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void startsWithoutRedisServesFailureModesAndGoesGlobalWhenRedisAppears() throws Exception {
        Path jar = Path.of("target", "rate-limiter.jar");
        assertThat(jar).exists();
        int port = EmbeddedRedis.freePort();
        int redisPort = EmbeddedRedis.freePort();
        Path log = Files.createTempFile("ratelimit-jar", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dlab.parent-pid=" + ProcessHandle.current().pid(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().put("NODE_ID", "ratelimit-9");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("ADMIN_TOKEN", "jar-test-token-0123456789");
        builder.environment().put("RATELIMIT_REDIS_URI", "redis://127.0.0.1:" + redisPort);
        process = builder.start();

        Http http = new Http("jar-test-token-0123456789");
        URI base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> process.isAlive() && http.get(base.resolve("/actuator/health/readiness")).status() == 200);

        Http.Answer local = http.post(base.resolve("/limits/default/user-1/acquire"));
        assertThat(local.status()).as(Files.readString(log)).isEqualTo(200);
        assertThat(local.json().get("mode").asString()).isEqualTo("local");
        assertThat(http.post(base.resolve("/limits/login/user-1/acquire")).status()).as("login fails closed").isEqualTo(503);
        assertThat(http.post(base.resolve("/limits/search/user-1/acquire")).json().get("mode").asString()).isEqualTo("open");
        assertThat(http.admin("GET", base.resolve("/admin/policies"), null).json().get("source").asString()).isEqualTo("config");

        redis = new EmbeddedRedis(redisPort);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "global".equals(http.post(base.resolve("/limits/default/user-1/acquire")).json().get("mode").asString()));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> "redis".equals(http.admin("GET", base.resolve("/admin/policies"), null).json().get("source").asString()));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> http.get(base.resolve("/actuator/prometheus"))
                .raw().body().contains("resilience4j_circuitbreaker_state{application=\"rate-limiter\",name=\"redis\",node=\"ratelimit-9\",state=\"closed\"} 1.0"));
        String metrics = http.get(base.resolve("/actuator/prometheus")).raw().body();
        assertThat(metrics).contains("ratelimit_decisions_total{application=\"rate-limiter\",mode=\"local\",node=\"ratelimit-9\",outcome=\"allowed\",policy=\"default\"}")
                .contains("ratelimit_mode{application=\"rate-limiter\",mode=\"global\",node=\"ratelimit-9\",policy=\"login\"} 1.0");
        assertThat(Files.readString(log)).contains("[ratelimit-9]").contains("Connected to Redis");
    }
}
