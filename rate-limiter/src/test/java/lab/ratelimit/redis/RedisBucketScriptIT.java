package lab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import lab.ratelimit.bucket.BucketConfig;
import lab.ratelimit.bucket.Decision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Lua script against a real Redis: the arithmetic, the key lifecycle, NOSCRIPT, and concurrent callers on one key. */
class RedisBucketScriptIT {

    private static EmbeddedRedis redisServer;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisAsyncCommands<String, String> redis;
    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static final RedisBucketScript script = new RedisBucketScript(registry);

    @BeforeAll
    static void start() {
        redisServer = new EmbeddedRedis();
        client = RedisClient.create(redisServer.uri());
        connection = client.connect();
        redis = connection.async();
    }

    @AfterAll
    static void stop() {
        connection.close();
        client.shutdown();
        redisServer.close();
    }

    private static Decision decide(String key, BucketConfig config, long permits, boolean consume) throws Exception {
        return script.decide(redis, key, config, permits, consume).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void burstThenDenialWithTheSameNumbersAsTheJavaArithmetic() throws Exception {
        BucketConfig config = new BucketConfig(10, 0.5);
        Decision first = decide("arith", config, 7, true);
        assertThat(first.allowed()).isTrue();
        assertThat(first.tokensLeft()).isCloseTo(3.0, org.assertj.core.api.Assertions.within(0.01));
        assertThat(first.fullInMicros()).isBetween(13_900_000L, 14_000_000L);
        Decision denied = decide("arith", config, 4, true);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterMicros()).as("one token at 0.5/s").isBetween(1_900_000L, 2_000_000L);
        Decision look = decide("arith", config, 3, false);
        assertThat(look.allowed()).isTrue();
        assertThat(decide("arith", config, 3, true).allowed()).as("looking took nothing").isTrue();
        assertThat(decide("arith", config, 1, true).allowed()).isFalse();
    }

    @Test
    void stateExpiresWhenTheBucketWouldBeFullAndAFullBucketLeavesNoKey() throws Exception {
        BucketConfig config = new BucketConfig(100, 50);
        decide("expiry", config, 10, true);
        long ttl = connection.sync().pttl(RedisBucketScript.KEY_PREFIX + "expiry");
        assertThat(ttl).as("10 tokens at 50/s refill in 200 ms").isBetween(150L, 202L);
        assertThat(connection.sync().get(RedisBucketScript.KEY_PREFIX + "expiry")).matches("90(\\.\\d+)? \\d{16}");

        decide("never-written", config, 1, false);
        assertThat(connection.sync().exists(RedisBucketScript.KEY_PREFIX + "never-written")).as("a look writes nothing").isZero();
        decide("denied", new BucketConfig(1, 1), 1, true);
        String before = connection.sync().get(RedisBucketScript.KEY_PREFIX + "denied");
        decide("denied", new BucketConfig(1, 1), 1, true);
        assertThat(connection.sync().get(RedisBucketScript.KEY_PREFIX + "denied")).as("a denial writes nothing").isEqualTo(before);
    }

    @Test
    void reloadsTheScriptAfterRedisForgotIt() throws Exception {
        connection.sync().scriptFlush();
        double before = registry.counter("ratelimit.script.errors", "kind", "noscript").count();
        assertThat(decide("noscript", new BucketConfig(5, 1), 1, true).allowed()).isTrue();
        assertThat(registry.counter("ratelimit.script.errors", "kind", "noscript").count()).isEqualTo(before + 1);
        assertThat(connection.sync().scriptExists(script.sha())).containsExactly(true);
    }

    @Test
    void keepsMicrosecondsAndFractionalTokensExactInTheStoredState() throws Exception {
        decide("precision", new BucketConfig(1_000_000_000, 0.001), 1, true);
        String[] state = connection.sync().get(RedisBucketScript.KEY_PREFIX + "precision").split(" ");
        assertThat(state[1]).as("microseconds, all 16 digits").matches("\\d{16}");
        assertThat(Double.parseDouble(state[0])).isEqualTo(999_999_999.0);
    }

    /** One admitted request as the client saw it: the script ran somewhere between sent and answered. */
    private record Admitted(long sentNanos, long answeredNanos, long permits) {
    }

    @Test
    void concurrentCallersOnOneKeyStayWithinCapacityPlusRateTimesElapsed() throws Exception {
        BucketConfig config = new BucketConfig(50, 200);
        int callers = 16;
        long runNanos = Duration.ofSeconds(3).toNanos();
        List<List<Admitted>> perCaller = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        long[] startEnd = new long[2];
        for (int c = 0; c < callers; c++) {
            List<Admitted> mine = new ArrayList<>();
            perCaller.add(mine);
            long permits = 1 + c % 3;
            done.add(pool.submit(() -> {
                go.await();
                long end = startEnd[0] + runNanos;
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    Decision decision = decide("hot", config, permits, true);
                    if (decision.allowed()) {
                        mine.add(new Admitted(sent, System.nanoTime(), permits));
                    }
                }
                return null;
            }));
        }
        startEnd[0] = System.nanoTime();
        go.countDown();
        for (var f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        startEnd[1] = System.nanoTime();
        pool.shutdown();

        List<Admitted> all = perCaller.stream().flatMap(List::stream).sorted(Comparator.comparingLong(Admitted::sentNanos)).toList();
        long total = all.stream().mapToLong(Admitted::permits).sum();
        double seconds = (startEnd[1] - startEnd[0]) / 1e9;
        assertThat((double) total).as("whole run of %.2f s", seconds)
                .isLessThanOrEqualTo(config.capacity() + config.refillPerSecond() * seconds);
        assertThat((double) total).as("sustained demand is admitted close to the bound")
                .isGreaterThan(0.9 * config.refillPerSecond() * seconds);

        // Every window [a, a+w]: the requests sent and answered inside it ran inside it, so they obey the bound too.
        for (double windowSeconds : new double[] {0.05, 0.25, 1.0}) {
            long w = (long) (windowSeconds * 1e9);
            for (long a = startEnd[0]; a + w <= startEnd[1]; a += w / 4) {
                long from = a;
                long to = a + w;
                long inWindow = all.stream().filter(x -> x.sentNanos() >= from && x.answeredNanos() <= to)
                        .mapToLong(Admitted::permits).sum();
                assertThat((double) inWindow).as("window of %.2f s", windowSeconds)
                        .isLessThanOrEqualTo(config.capacity() + config.refillPerSecond() * windowSeconds);
            }
        }
    }
}
