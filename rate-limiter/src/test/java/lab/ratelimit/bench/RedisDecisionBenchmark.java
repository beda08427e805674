package lab.ratelimit.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.ratelimit.bucket.BucketConfig;
import lab.ratelimit.redis.EmbeddedRedis;
import lab.ratelimit.redis.RedisBucketScript;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Decisions per second against one Redis: this service's script side by side with Bucket4j's
 * Lettuce-backed (compare-and-swap) proxy manager, on the same Redis, the same Lettuce client,
 * the same bucket shape and the same keys, many keys and one hot key, and then redis-benchmark
 * running the same script with EVALSHA as the ceiling. Contenders alternate in rounds so drift of
 * this shared machine hits both. Not a test: run it by hand (docs/rate-limiter.md has the command).
 *
 * <p>System properties: {@code bench.threads} (16), {@code bench.seconds} per round (4),
 * {@code bench.rounds} (2), {@code bench.keys} (10000).
 */
public final class RedisDecisionBenchmark {

    private static final long CAPACITY = 1000;

    interface Contender {
        boolean decide(String key) throws Exception;
    }

    record Result(String name, long decisions, double seconds, Histogram latency, java.util.Map<String, Long> redisCommands) {
        double perSecond() {
            return decisions / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("bench.threads", 16);
        int seconds = Integer.getInteger("bench.seconds", 4);
        int rounds = Integer.getInteger("bench.rounds", 2);
        int keys = Integer.getInteger("bench.keys", 10_000);
        try (EmbeddedRedis redis = new EmbeddedRedis()) {
            RedisClient client = RedisClient.create(redis.uri());
            StatefulRedisConnection<String, String> ours = client.connect();
            StatefulRedisConnection<String, byte[]> theirs = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            RedisBucketScript script = new RedisBucketScript(new SimpleMeterRegistry());
            ProxyManager<String> bucket4j = Bucket4jLettuce.casBasedBuilder(theirs)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            System.out.printf("Redis %s, %d client threads, %d rounds of %d s per contender%n",
                    ours.sync().info("server").lines().filter(l -> l.startsWith("redis_version")).findFirst().orElse("?").strip(),
                    threads, rounds, seconds);
            record Scenario(String label, int keys, double refillPerSecond) {
            }
            for (Scenario scenario : List.of(
                    new Scenario(keys + " keys, 1000 tokens + 1000/s each (nearly all admitted)", keys, 1000),
                    new Scenario("one hot key, 1000 tokens + 1000000/s (all admitted: every decision writes)", 1, 1_000_000),
                    new Scenario("one hot key, 1000 tokens + 1000/s (nearly all denied)", 1, 1000))) {
                BucketConfig config = new BucketConfig(CAPACITY, scenario.refillPerSecond());
                String prefix = "bench" + Math.round(scenario.refillPerSecond()) + ":";
                Contender mineOnce = key -> script.decide(ours.async(), prefix + key, config, 1, true)
                        .toCompletableFuture().get(1, TimeUnit.SECONDS).allowed();
                BucketConfiguration bucket4jConfig = BucketConfiguration.builder()
                        .addLimit(limit -> limit.capacity(CAPACITY).refillGreedy((long) scenario.refillPerSecond(), Duration.ofSeconds(1)))
                        .build();
                Contender theirsOnce = key -> bucket4j.builder().build("b4j:" + prefix + key, () -> bucket4jConfig).tryConsume(1);
                run(ours, "warm-up", mineOnce, threads, 1, scenario.keys());
                run(ours, "warm-up", theirsOnce, threads, 1, scenario.keys());
                List<Result> mine = new ArrayList<>();
                List<Result> b4j = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    mine.add(run(ours, "script", mineOnce, threads, seconds, scenario.keys()));
                    b4j.add(run(ours, "bucket4j", theirsOnce, threads, seconds, scenario.keys()));
                }
                Result a = merge("ratelimit script (EVALSHA)", mine);
                Result b = merge("Bucket4j Lettuce CAS", b4j);
                System.out.printf("%n== %s ==%n", scenario.label());
                print(a);
                print(b);
                System.out.printf("  ratio script/bucket4j: %.2fx decisions per second%n", a.perSecond() / b.perSecond());
            }
            redisBenchmark(redis.port(), script, ours, threads, keys).ifPresent(ceiling -> System.out.printf(
                    "%nredis-benchmark EVALSHA of the same script, %d connections, %d keys: %.0f decisions/s (Redis's ceiling here)%n",
                    threads, keys, ceiling));
            ours.close();
            theirs.close();
            client.shutdown();
        }
    }

    private static Result run(StatefulRedisConnection<String, String> redis, String name, Contender contender,
                              int threads, int seconds, int keyCount) throws InterruptedException {
        java.util.Map<String, Long> commandsBefore = commandCalls(redis);
        ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        long[] counts = new long[threads];
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long n = 0;
                try {
                    while (System.nanoTime() < end) {
                        String key = keyCount == 1 ? "hot" : Integer.toString(random.nextInt(keyCount));
                        long t0 = System.nanoTime();
                        contender.decide(key);
                        latency.recordValue(System.nanoTime() - t0);
                        n++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(name + " failed", e);
                }
                counts[index] = n;
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        long total = java.util.Arrays.stream(counts).sum();
        java.util.Map<String, Long> delta = new java.util.TreeMap<>(commandCalls(redis));
        commandsBefore.forEach((command, calls) -> delta.merge(command, -calls, Long::sum));
        delta.remove("info");
        return new Result(name, total, took, latency, delta);
    }

    private static Result merge(String name, List<Result> results) {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long decisions = 0;
        double seconds = 0;
        java.util.Map<String, Long> commands = new java.util.TreeMap<>();
        for (Result r : results) {
            all.add(r.latency());
            decisions += r.decisions();
            seconds += r.seconds();
            r.redisCommands().forEach((command, calls) -> commands.merge(command, calls, Long::sum));
        }
        return new Result(name, decisions, seconds, all, commands);
    }

    private static void print(Result r) {
        StringBuilder perDecision = new StringBuilder();
        r.redisCommands().forEach((command, calls) -> {
            if (calls > 0) {
                perDecision.append(String.format(" %s=%.2f", command, (double) calls / r.decisions()));
            }
        });
        System.out.printf("  %-28s %9.0f decisions/s  p50 %6.3f ms  p99 %6.3f ms  p99.9 %6.3f ms%n      Redis commands per decision (scripts' inner ones included):%s%n",
                r.name(), r.perSecond(), r.latency().getValueAtPercentile(50) / 1e6, r.latency().getValueAtPercentile(99) / 1e6,
                r.latency().getValueAtPercentile(99.9) / 1e6, perDecision);
    }

    /** Calls per command Redis executed so far, from INFO commandstats. */
    private static java.util.Map<String, Long> commandCalls(StatefulRedisConnection<String, String> redis) {
        Matcher calls = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)").matcher(redis.sync().info("commandstats"));
        java.util.Map<String, Long> byCommand = new java.util.TreeMap<>();
        while (calls.find()) {
            byCommand.put(calls.group(1), Long.parseLong(calls.group(2)));
        }
        return byCommand;
    }

    private static java.util.Optional<Double> redisBenchmark(int port, RedisBucketScript script,
                                                           StatefulRedisConnection<String, String> redis,
                                                           int connections, int keys) throws Exception {
        redis.sync().scriptLoad(script.source());
        List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-c", Integer.toString(connections), "-n", "400000", "-r", Integer.toString(keys), "-q",
                "EVALSHA", script.sha(), "1", RedisBucketScript.KEY_PREFIX + "rb:__rand_int__",
                Double.toString((double) CAPACITY), "1000.0", "1", "1");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException notInstalled) {
            System.out.println("\nredis-benchmark is not on the PATH (apt-get install redis-tools): no ceiling measured");
            return java.util.Optional.empty();
        }
        String output;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            output = reader.lines().reduce("", (a, b) -> a + "\n" + b);
        }
        process.waitFor(120, TimeUnit.SECONDS);
        Matcher rps = Pattern.compile("([\\d.]+) requests per second").matcher(output.replace('\r', '\n'));
        String last = null;
        while (rps.find()) {
            last = rps.group(1);
        }
        if (last == null) {
            System.out.println("\nredis-benchmark printed no figure:" + output);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Double.parseDouble(last));
    }
}
