package lab.idgen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {

    private static final IdLayout LAYOUT = IdLayout.DEFAULT;
    private static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    private static final long BOUND = 5_000;
    private static final long FAR = Long.MAX_VALUE / 4;

    private ManualTime time;
    private List<Long> rollbacksSeen;
    private IdGenerator generator;

    @BeforeEach
    void setUp() {
        time = new ManualTime(T0);
        rollbacksSeen = new ArrayList<>();
        generator = newGenerator(0, BOUND);
    }

    private IdGenerator newGenerator(long floor, long bound) {
        IdGenerator g = new IdGenerator(LAYOUT, time, bound, floor, rollbacksSeen::add, 1_000_000);
        g.raiseLocalLimit(FAR);
        g.assign(lease(7), 0);
        return g;
    }

    private static Lease lease(int worker) {
        return new Lease(worker, 1, Instant.EPOCH, Long.MAX_VALUE / 2, FAR);
    }

    private long[] issue(int count) {
        return generator.issue(count).ids();
    }

    private static void assertStrictlyIncreasing(long[]... runs) {
        long previous = -1;
        for (long[] run : runs) {
            for (long id : run) {
                assertThat(id).isGreaterThan(previous);
                previous = id;
            }
        }
    }

    @Test
    void idsCarryTheClockTheWorkerAndASequence() {
        long[] ids = issue(3);
        for (int i = 0; i < 3; i++) {
            DecodedId d = LAYOUT.decode(ids[i]);
            assertThat(d.unixMillis()).isEqualTo(T0);
            assertThat(d.workerId()).isEqualTo(7);
            assertThat(d.sequence()).isEqualTo(i);
        }
        time.advance(1);
        assertThat(LAYOUT.decode(generator.nextId())).isEqualTo(new DecodedId(LAYOUT.encode(T0 + 1, 7, 0), T0 + 1, 7, 0));
    }

    @Test
    void sequenceExhaustionWaitsForTheNextMillisecond() {
        long[] first = issue(4096);
        assertThat(LAYOUT.decode(first[4095]).sequence()).isEqualTo(4095);
        // The clock ticks after the generator has spun a while.
        int[] spins = {0};
        time.onSpin(() -> {
            if (++spins[0] == 50) {
                time.advance(1);
            }
        });
        long next = generator.nextId();
        assertThat(LAYOUT.decode(next)).extracting(DecodedId::unixMillis, DecodedId::sequence).containsExactly(T0 + 1, 0L);
        assertThat(generator.stats().sequenceWaits()).isEqualTo(1);
        assertThat(generator.stats().borrowedMillis()).isZero();
        assertStrictlyIncreasing(first, new long[] {next});
    }

    @Test
    void aStalledClockIsBridgedByBorrowingUpToTheBoundThenRefused() {
        generator = newGenerator(0, 3);
        // The wall clock never moves: 4 096 IDs at T0, then borrowed milliseconds T0+1..T0+3.
        long[] ids = issue(4096 * 4);
        assertStrictlyIncreasing(ids);
        assertThat(LAYOUT.decode(ids[ids.length - 1]).unixMillis()).isEqualTo(T0 + 3);
        assertThat(generator.stats().borrowedMillis()).isEqualTo(3);
        assertThatThrownBy(() -> generator.nextId()).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.CLOCK_STALLED));
        // Once the clock moves again, so does the generator.
        time.advance(10);
        assertThat(LAYOUT.decode(generator.nextId()).unixMillis()).isEqualTo(T0 + 10);
    }

    @Test
    void forwardJumpIsFollowed() {
        long[] before = issue(10);
        time.advance(Duration.ofHours(1).toMillis());
        long[] after = issue(10);
        assertStrictlyIncreasing(before, after);
        assertThat(LAYOUT.decode(after[0]).unixMillis()).isEqualTo(T0 + 3_600_000);
        assertThat(generator.stats().rollbacks()).isZero();
    }

    @Test
    void rollbackOfOneMillisecondIsAbsorbed() {
        time.advance(5);
        long[] before = issue(10);
        time.advance(-1);
        long[] during = issue(5000);
        time.advance(2);
        long[] after = issue(10);
        assertStrictlyIncreasing(before, during, after);
        assertThat(rollbacksSeen).containsExactly(1L);
        assertThat(generator.stats().rollbacks()).isEqualTo(1);
        // 10 + 5000 IDs do not fit in one millisecond: the rest were issued in a borrowed one.
        assertThat(LAYOUT.decode(during[during.length - 1]).unixMillis()).isEqualTo(T0 + 6);
        assertThat(generator.stats().borrowedMillis()).isEqualTo(1);
    }

    @Test
    void rollbackOfOneSecondIsAbsorbedWithoutStalling() {
        long[] before = issue(100);
        time.advance(-1_000);
        long nanosBefore = time.nanoTime();
        long[] during = issue(4096 * 3);
        // Borrowing, not waiting: a handful of monotonic readings, not a second of spinning.
        assertThat(time.nanoTime() - nanosBefore).isLessThan(Duration.ofMillis(1).toNanos());
        time.advance(1_010);
        long[] after = issue(100);
        assertStrictlyIncreasing(before, during, after);
        assertThat(rollbacksSeen).containsExactly(1_000L);
        assertThat(LAYOUT.decode(after[0]).unixMillis()).isEqualTo(T0 + 10);
    }

    @Test
    void rollbackOfOneHourIsRefusedAtOnceWithARetryAfter() {
        long[] before = issue(100);
        time.advance(-Duration.ofHours(1).toMillis());
        long nanosBefore = time.nanoTime();
        assertThatThrownBy(() -> generator.issue(1)).isInstanceOfSatisfying(IdRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.CLOCK_ROLLBACK);
            assertThat(e.behindMillis()).isEqualTo(3_600_000);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(3_600_000 - BOUND));
            assertThat(e.getMessage()).contains("3600000 ms behind");
        });
        assertThat(time.nanoTime() - nanosBefore).as("refused without waiting").isLessThan(Duration.ofMillis(1).toNanos());
        assertThat(generator.stats().refusals().get(IdRefusedException.Reason.CLOCK_ROLLBACK)).isEqualTo(1);
        assertThat(rollbacksSeen).containsExactly(3_600_000L);
        // Within the bound again (the clock caught up to 5 s behind): absorbed.
        time.advance(3_600_000 - BOUND);
        long[] after = issue(100);
        assertStrictlyIncreasing(before, after);
    }

    @Test
    void restartStartsAboveThePersistedMark() {
        long floor = T0 + 2_000;
        generator = newGenerator(floor, BOUND);
        long[] ids = issue(5000);
        assertThat(LAYOUT.decode(ids[0]).unixMillis()).isEqualTo(floor + 1);
        assertThat(LAYOUT.decode(ids[4999]).unixMillis()).isEqualTo(floor + 2);
        assertStrictlyIncreasing(ids);
    }

    @Test
    void restartWithTheClockFarBehindTheMarkRefuses() {
        generator = newGenerator(T0 + 60_000, BOUND);
        assertThatThrownBy(() -> generator.nextId()).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.CLOCK_ROLLBACK));
    }

    @Test
    void noLeaseNoIds() {
        IdGenerator fresh = new IdGenerator(LAYOUT, time, BOUND, 0, null);
        fresh.raiseLocalLimit(FAR);
        assertThatThrownBy(fresh::nextId).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.NO_LEASE));
        Lease expiring = new Lease(3, 1, Instant.EPOCH, time.nanoTime() + 10_000, FAR);
        fresh.assign(expiring, 0);
        fresh.nextId();
        time.advanceNanos(20_000);
        assertThatThrownBy(fresh::nextId).isInstanceOfSatisfying(IdRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.NO_LEASE);
            assertThat(e.getMessage()).contains("can no longer be proven valid");
        });
        Lease other = new Lease(4, 1, Instant.EPOCH, Long.MAX_VALUE / 2, FAR);
        fresh.assign(other, 0);
        fresh.nextId();
        other.markLost();
        assertThatThrownBy(fresh::nextId).isInstanceOf(IdRefusedException.class);
        assertThat(fresh.stats().refusals().get(IdRefusedException.Reason.NO_LEASE)).isEqualTo(3);
    }

    @Test
    void nothingIsIssuedAboveThePersistedMarks() {
        IdGenerator g = new IdGenerator(LAYOUT, time, BOUND, 0, null);
        Lease lease = new Lease(1, 1, Instant.EPOCH, Long.MAX_VALUE / 2, T0 + 10);
        g.assign(lease, 0);
        assertThatThrownBy(g::nextId).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.NOT_RESERVED));
        g.raiseLocalLimit(T0 + 5);
        g.nextId();
        time.advance(6);
        assertThatThrownBy(g::nextId).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.neededMillis()).isEqualTo(T0 + 6));
        g.raiseLocalLimit(T0 + 100);
        g.nextId();
        time.advance(10);
        assertThatThrownBy(g::nextId).as("the worker's shared mark binds too").isInstanceOf(IdRefusedException.class);
        lease.raiseReservation(T0 + 100);
        g.nextId();
    }

    @Test
    void aNewWorkerIdNeverSortsBelowEarlierIds() {
        long[] before = issue(10);
        generator.assign(lease(2), 0);
        long[] after = issue(10);
        assertStrictlyIncreasing(before, after);
        assertThat(LAYOUT.decode(after[0]).workerId()).isEqualTo(2);
        // A previous holder's mark ahead of the clock moves this node above it.
        generator.assign(lease(3), T0 + 1_000);
        assertThat(LAYOUT.decode(generator.nextId()).unixMillis()).isEqualTo(T0 + 1_001);
    }

    @Test
    void concurrentBatchesAreContiguousRunsWithoutDuplicates() throws Exception {
        IdGenerator real = new IdGenerator(LAYOUT, TimeSource.SYSTEM, BOUND, 0, null);
        real.raiseLocalLimit(FAR);
        real.assign(lease(9), 0);
        int threads = 4;
        int batches = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<long[]>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int size = 1 + t * 333;
            futures.add(pool.submit(() -> {
                start.await();
                List<long[]> mine = new ArrayList<>();
                for (int b = 0; b < batches; b++) {
                    mine.add(real.issue(size).ids());
                }
                return mine;
            }));
        }
        start.countDown();
        List<long[]> all = new ArrayList<>();
        for (Future<List<long[]>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        all.forEach(IdGeneratorTest::assertStrictlyIncreasing);
        // Sorted by their first ID, the batches must follow each other without overlapping.
        Collections.sort(all, (a, b) -> Long.compare(a[0], b[0]));
        long previousLast = -1;
        long total = 0;
        for (long[] batch : all) {
            assertThat(batch[0]).isGreaterThan(previousLast);
            previousLast = batch[batch.length - 1];
            total += batch.length;
        }
        long[] flat = all.stream().flatMapToLong(Arrays::stream).toArray();
        assertThat(Arrays.stream(flat).distinct().count()).isEqualTo(total);
        assertThat(real.stats().issued()).isEqualTo(total);
    }
}
