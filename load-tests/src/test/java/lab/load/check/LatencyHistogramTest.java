package lab.load.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesOfOneToAHundredMilliseconds() {
        LatencyHistogram h = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            h.record(ms);
        }
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(95)).isEqualTo(95);
        assertThat(h.percentile(99)).isEqualTo(99);
        assertThat(h.max()).isEqualTo(100);
    }

    @Test
    void beyondAMinuteTheMaximumIsReportedAndNegativeClockSkewCountsAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-3);
        h.record(90_000);
        assertThat(h.percentile(50)).isZero();
        assertThat(h.percentile(99)).isEqualTo(90_000);
        assertThat(new LatencyHistogram().percentile(99)).isZero();
    }
}
