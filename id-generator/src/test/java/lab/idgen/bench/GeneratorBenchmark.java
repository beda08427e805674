package lab.idgen.bench;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import lab.idgen.clock.OffsetClock;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.core.Lease;
import lab.idgen.core.TimeSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process generation on one thread, with the node's real clock (the offset clock the fault
 * API controls), a lease check per call and the high-water-mark checks. The layout's ceiling is
 * 4 096 IDs per millisecond per worker (4 096 000/s): a generator that keeps up spends most of
 * each millisecond spinning for the next one. Run with {@code scripts/idgen-bench jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Threads(1)
public class GeneratorBenchmark {

    /** 41/4/18 bits: 262 144 IDs per millisecond, a ceiling one thread never reaches, so this measures the cost per ID. */
    static final IdLayout UNCAPPED = new IdLayout(IdLayout.DEFAULT_EPOCH, 41, 4, 18);

    private IdGenerator generator;
    private IdGenerator uncapped;

    @Setup
    public void setUp() {
        generator = generatorFor(IdLayout.DEFAULT);
        uncapped = generatorFor(UNCAPPED);
    }

    private static IdGenerator generatorFor(IdLayout layout) {
        OffsetClock clock = new OffsetClock(TimeSource.SYSTEM, 0);
        IdGenerator g = new IdGenerator(layout, clock, 5_000, 0, millis -> { });
        g.raiseLocalLimit(Long.MAX_VALUE / 4);
        g.assign(new Lease(1, 1, Instant.now(), System.nanoTime() + TimeUnit.DAYS.toNanos(1), Long.MAX_VALUE / 4), 0);
        return g;
    }

    /** One ID per call, as a single-ID request asks for it. */
    @Benchmark
    public long singleId() {
        return generator.nextId();
    }

    /**
     * The same code with a sequence that never runs out: how many IDs per second one thread could
     * make if the layout allowed it. Its inverse is the cost of one ID; the default layout's
     * ceiling leaves 244 ns per ID.
     */
    @Benchmark
    public long singleIdUncapped() {
        return uncapped.nextId();
    }

    /** A batch of 1 000 per call (throughput reported per ID). */
    @Benchmark
    @OperationsPerInvocation(1000)
    public long[] batchOf1000() {
        return generator.issue(1000).ids();
    }
}
