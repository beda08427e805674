package lab.idgen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdLayoutTest {

    private static final IdLayout LAYOUT = IdLayout.DEFAULT;

    @Test
    void encodeDecodeRoundTripsEveryField() {
        SplittableRandom random = new SplittableRandom(42);
        long epoch = LAYOUT.epochMillis();
        for (int i = 0; i < 100_000; i++) {
            long millis = epoch + random.nextLong(LAYOUT.maxTimestampOffset() + 1);
            int worker = random.nextInt(LAYOUT.maxWorkerId() + 1);
            long sequence = random.nextLong(LAYOUT.maxSequence() + 1);
            long id = LAYOUT.encodeChecked(millis, worker, sequence);
            assertThat(id).isNotNegative();
            DecodedId decoded = LAYOUT.decode(id);
            assertThat(decoded.unixMillis()).isEqualTo(millis);
            assertThat(decoded.workerId()).isEqualTo(worker);
            assertThat(decoded.sequence()).isEqualTo(sequence);
        }
    }

    @Test
    void extremesOfEveryFieldRoundTrip() {
        long last = LAYOUT.epochMillis() + LAYOUT.maxTimestampOffset();
        long id = LAYOUT.encodeChecked(last, 1023, 4095);
        assertThat(id).isEqualTo(Long.MAX_VALUE);
        assertThat(LAYOUT.decode(id)).isEqualTo(new DecodedId(Long.MAX_VALUE, last, 1023, 4095));
        assertThat(LAYOUT.encodeChecked(LAYOUT.epochMillis(), 0, 0)).isZero();
    }

    @Test
    void idsSortByTimeThenWorkerThenSequence() {
        long t = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
        assertThat(LAYOUT.encode(t, 1023, 4095)).isLessThan(LAYOUT.encode(t + 1, 0, 0));
        assertThat(LAYOUT.encode(t, 5, 4095)).isLessThan(LAYOUT.encode(t, 6, 0));
        assertThat(LAYOUT.encode(t, 5, 7)).isLessThan(LAYOUT.encode(t, 5, 8));
    }

    @Test
    void defaultLayoutHasTheClassicShapeAndCeiling() {
        assertThat(LAYOUT.workerIdCount()).isEqualTo(1024);
        assertThat(LAYOUT.ceilingPerSecond()).isEqualTo(4_096_000);
        assertThat(LAYOUT.runsOutAt()).isEqualTo(Instant.parse("2094-09-07T15:47:35.552Z"));
    }

    @Test
    void bitsMustAddUpTo63() {
        assertThatThrownBy(() -> new IdLayout(IdLayout.DEFAULT_EPOCH, 41, 10, 13))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must fill 64 bits");
        assertThatThrownBy(() -> new IdLayout(IdLayout.DEFAULT_EPOCH, 52, 0, 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one bit");
    }

    @Test
    void epochInTheFutureIsRefused() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        IdLayout future = new IdLayout(now.plusSeconds(60), 41, 10, 12);
        assertThatThrownBy(() -> future.requireUsableAt(now, Duration.ofDays(365)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in the future");
    }

    @Test
    void layoutThatRunsOutWithinTheRequiredYearsIsRefused() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        // 36 bits of milliseconds last about 2.2 years.
        IdLayout shortLived = new IdLayout(IdLayout.DEFAULT_EPOCH, 36, 15, 12);
        assertThatThrownBy(() -> shortLived.requireUsableAt(now, Duration.ofDays(20 * 365)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs out at");
        // An old epoch eats the range too: 41 bits from 1970 ran out in 2039.
        IdLayout oldEpoch = new IdLayout(Instant.EPOCH, 41, 10, 12);
        assertThatThrownBy(() -> oldEpoch.requireUsableAt(now, Duration.ofDays(20 * 365)))
                .hasMessageContaining("runs out at 2039");
        IdLayout.DEFAULT.requireUsableAt(now, Duration.ofDays(20 * 365));
    }

    @Test
    void negativeValuesAreNotIds() {
        assertThatThrownBy(() -> LAYOUT.decode(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sign bit");
    }

    @Test
    void checkedEncodingRejectsOutOfRangeFields() {
        long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        assertThatThrownBy(() -> LAYOUT.encodeChecked(now, 1024, 0)).hasMessageContaining("worker ID 1024");
        assertThatThrownBy(() -> LAYOUT.encodeChecked(now, 0, 4096)).hasMessageContaining("sequence 4096");
        assertThatThrownBy(() -> LAYOUT.encodeChecked(LAYOUT.epochMillis() - 1, 0, 0)).hasMessageContaining("outside the layout");
    }
}
