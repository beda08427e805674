package lab.idgen.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.core.IdRefusedException;
import lab.idgen.core.Lease;
import lab.idgen.core.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHighWaterMarkTest {

    private static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private final AtomicInteger writes = new AtomicInteger();

    private IdGenerator generator(long floor) {
        IdGenerator generator = new IdGenerator(IdLayout.DEFAULT, time, 5_000, floor, null);
        generator.assign(new Lease(3, 1, Instant.EPOCH, Long.MAX_VALUE / 2, Long.MAX_VALUE / 4), 0);
        return generator;
    }

    private LocalHighWaterMark mark(IdGenerator generator, HighWaterMarkFile file) {
        HighWaterMarkFile.Content stored = file.load().orElse(new HighWaterMarkFile.Content(0, -1));
        return new LocalHighWaterMark(generator, file, stored, time, 2_000, writes::incrementAndGet, e -> { });
    }

    @Test
    void nothingIsIssuedBeforeTheMarkIsOnDiskAndTheMarkStaysAWindowAhead() {
        HighWaterMarkFile file = new HighWaterMarkFile(dir);
        IdGenerator generator = generator(0);
        LocalHighWaterMark mark = mark(generator, file);
        assertThatThrownBy(generator::nextId).isInstanceOfSatisfying(IdRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(IdRefusedException.Reason.NOT_RESERVED));
        mark.tick();
        assertThat(file.load()).hasValue(new HighWaterMarkFile.Content(T0 + 2_000, -1));
        generator.nextId();
        // Half a window later it is not rewritten yet; past half it is.
        time.advance(999);
        mark.tick();
        assertThat(writes).hasValue(1);
        time.advance(2);
        mark.tick();
        assertThat(writes).hasValue(2);
        assertThat(file.load().orElseThrow().highWaterMarkMillis()).isEqualTo(T0 + 1_001 + 2_000);
    }

    @Test
    void aRestartStartsAboveTheMarkEvenWithTheClockSetBack() {
        HighWaterMarkFile file = new HighWaterMarkFile(dir);
        IdGenerator first = generator(0);
        LocalHighWaterMark mark = mark(first, file);
        mark.tick();
        mark.rememberWorker(3);
        long lastBeforeCrash = first.issue(5000).ids()[4999];

        // "kill -9": no final write. The restarted node's clock is 1.5 s behind.
        time.advance(-1_500);
        HighWaterMarkFile.Content stored = new HighWaterMarkFile(dir).load().orElseThrow();
        assertThat(stored.lastWorkerId()).isEqualTo(3);
        IdGenerator restarted = generator(stored.highWaterMarkMillis());
        mark(restarted, file).tick();
        long firstAfter = restarted.nextId();
        assertThat(IdLayout.DEFAULT.unixMillisOf(firstAfter)).isGreaterThan(IdLayout.DEFAULT.unixMillisOf(lastBeforeCrash))
                .isEqualTo(stored.highWaterMarkMillis() + 1);
        assertThat(firstAfter).isGreaterThan(lastBeforeCrash);
    }

    @Test
    void aGracefulStopLeavesTheExactLastTime() {
        HighWaterMarkFile file = new HighWaterMarkFile(dir);
        IdGenerator generator = generator(0);
        LocalHighWaterMark mark = mark(generator, file);
        mark.tick();
        generator.nextId();
        mark.persistFinal(generator.revoke());
        assertThat(file.load().orElseThrow().highWaterMarkMillis()).isEqualTo(T0);
    }

    @Test
    void aForwardJumpIsReservedOnDemand() {
        HighWaterMarkFile file = new HighWaterMarkFile(dir);
        IdGenerator generator = generator(0);
        LocalHighWaterMark mark = mark(generator, file);
        mark.tick();
        time.advance(3_600_000);
        IdRefusedException refused = org.junit.jupiter.api.Assertions.assertThrows(IdRefusedException.class, generator::nextId);
        assertThat(mark.reserveThrough(refused.neededMillis())).isTrue();
        assertThat(IdLayout.DEFAULT.unixMillisOf(generator.nextId())).isEqualTo(T0 + 3_600_000);
    }

    @Test
    void anUnreadableMarkStopsTheNodeInsteadOfForgettingIt() throws Exception {
        Files.writeString(dir.resolve(HighWaterMarkFile.FILE_NAME), "highWaterMarkMillis=soon\n");
        assertThatThrownBy(() -> new HighWaterMarkFile(dir).load())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refusing to start");
        Files.writeString(dir.resolve(HighWaterMarkFile.FILE_NAME), "lastWorkerId=3\n");
        assertThatThrownBy(() -> new HighWaterMarkFile(dir).load()).hasMessageContaining("missing highWaterMarkMillis");
    }

    @Test
    void aFirstStartHasNoMark() {
        assertThat(new HighWaterMarkFile(dir.resolve("fresh")).load()).isEmpty();
    }
}
