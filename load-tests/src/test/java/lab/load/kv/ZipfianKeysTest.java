package lab.load.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZipfianKeysTest {

    @Test
    void theHottestKeysTakeMostOfTheTrafficAndEveryRankIsInRange() {
        ZipfianKeys keys = new ZipfianKeys(1000, 0.99);
        Random random = new Random(7);
        long[] hits = new long[1000];
        for (int i = 0; i < 200_000; i++) {
            long rank = keys.next(random.nextDouble());
            assertThat(rank).isBetween(0L, 999L);
            hits[(int) rank]++;
        }
        long top10 = 0;
        for (int i = 0; i < 10; i++) {
            top10 += hits[i];
        }
        assertThat(hits[0]).isGreaterThan(hits[1]).isGreaterThan(hits[100]);
        // With theta 0.99 over 1 000 keys the 10 hottest take about 39 % of all requests (uniform: 1 %).
        assertThat(top10 / 200_000.0).isBetween(0.3, 0.5);
    }

    @Test
    void nonsenseParametersAreRefused() {
        assertThatThrownBy(() -> new ZipfianKeys(0, 0.99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZipfianKeys(10, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
