package lab.load.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import lab.load.check.RunChecks;
import org.junit.jupiter.api.Test;

class HotKeyBoundTest {

    private static final String POLICY = "\"default\";q=100;w=10";
    private final RunChecks checks = new RunChecks();
    private final HotKeyBound bound = new HotKeyBound();

    /** 100 burst + 10/s (refill < 100/9 per second by the header): 10 s admit at most 100 + 111 = 211. */
    @Test
    void admissionsWithinCapacityPlusRefillAreClean() {
        admit(210, "global", 0, 10_000);
        bound.judge(checks);
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.counter("ratelimit.hot.bound")).isEqualTo(211);
    }

    @Test
    void moreThanTheBucketCanGiveIsAnAnomaly() {
        admit(400, "global", 0, 10_000);
        bound.judge(checks);
        assertThat(checks.report().anomalies()).containsOnlyKeys("ratelimit.over-admitted");
    }

    @Test
    void localAdmissionsDuringAnOutageAreNotHeldToTheBoundButGlobalOnesStillAre() {
        admit(150, "global", 0, 5_000);
        admit(400, "local", 5_000, 6_000);
        admit(150, "global", 6_000, 10_000);
        bound.judge(checks);
        // One outage: 100 × 2 + 111 = 311 ≥ 300 global admissions; the 400 local ones are reported apart.
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.report().notes()).singleElement().asString().contains("left its global mode 1 time").contains("local=400");

        admit(100, "global", 10_000, 10_000);
        RunChecks again = new RunChecks();
        bound.judge(again);
        assertThat(again.report().anomalies()).containsOnlyKeys("ratelimit.over-admitted");
    }

    private void admit(int requests, String mode, long fromMillis, long toMillis) {
        for (int i = 0; i < requests; i++) {
            long t = fromMillis + (toMillis - fromMillis) * i / Math.max(1, requests - 1);
            bound.answer(200, mode, POLICY, t, t);
        }
    }
}
