package lab.ratelimit.bench;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lab.ratelimit.bucket.BucketConfig;
import lab.ratelimit.bucket.BucketState;
import lab.ratelimit.bucket.Decision;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.bucket.TokenBucket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process decisions of the local failure mode: the bucket arithmetic alone (the baseline),
 * and LocalBuckets (map lookup + per-key lock + arithmetic) on one hot key or many keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
public class LocalBucketsBenchmark {

    @Param({"1", "10000"})
    public int keys;

    private final BucketConfig config = new BucketConfig(1_000_000, 1_000_000);
    private LocalBuckets buckets;
    private String[] names;
    private final BucketState state = new BucketState(500_000, 0);

    @Setup
    public void setUp() {
        long origin = System.nanoTime();
        buckets = new LocalBuckets(100_000, Duration.ofMinutes(10), () -> (System.nanoTime() - origin) / 1000);
        names = new String[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = "policy:key-" + i;
        }
    }

    @Benchmark
    public Decision arithmeticOnly() {
        return TokenBucket.decide(config, state, 1, true, 1_000).decision();
    }

    @Benchmark
    public Decision localBuckets() {
        String key = keys == 1 ? names[0] : names[ThreadLocalRandom.current().nextInt(keys)];
        return buckets.decide(key, config, 1, true);
    }
}
