package lab.kvstore.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BytePacerTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Long> waits = new ArrayList<>();

    private BytePacer pacer(long bytesPerSecond) {
        return new BytePacer(bytesPerSecond, nanos::get, n -> {
            waits.add(n);
            nanos.addAndGet(n);
        });
    }

    @Test
    void batchesAreSpacedByTheirSizeOverTheRate() {
        BytePacer pacer = pacer(1000);
        pacer.acquire(500);
        pacer.acquire(500);
        pacer.acquire(2000);
        pacer.acquire(1);
        // The first goes at once; each next one waits for the previous one's share of the second.
        assertThat(waits).containsExactly(0L, 500_000_000L, 500_000_000L, 2_000_000_000L);
        assertThat(pacer.waitedNanos()).isEqualTo(3_000_000_000L);
    }

    @Test
    void idleTimeIsNotSavedUpForABurst() {
        BytePacer pacer = pacer(1000);
        pacer.acquire(1000);
        nanos.addAndGet(10_000_000_000L);
        pacer.acquire(1000);
        pacer.acquire(1000);
        assertThat(waits).containsExactly(0L, 0L, 1_000_000_000L);
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> pacer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
