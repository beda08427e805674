package lab.kvstore.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final PhiAccrualDetector detector = new PhiAccrualDetector(clock::get, 100, 100, 5, 8);

    @Test
    void aNeverHeardPeerIsUnknownNotDown() {
        assertThat(detector.state("kv-2")).isEqualTo(PeerState.UNKNOWN);
        assertThat(detector.phi("kv-2")).isNaN();
    }

    @Test
    void phiGrowsWithSilenceAndCrossesSuspectThenDown() {
        for (int i = 0; i < 20; i++) {
            detector.heartbeat("kv-2");
            clock.addAndGet(500);
        }
        // mean interval 500 ms: phi = elapsed / 500 * log10(e)
        assertThat(detector.state("kv-2")).isEqualTo(PeerState.ALIVE);
        clock.addAndGet(5_500); // 6 s of silence: phi ≈ 5.2
        assertThat(detector.phi("kv-2")).isBetween(5.0, 5.5);
        assertThat(detector.state("kv-2")).isEqualTo(PeerState.SUSPECT);
        clock.addAndGet(3_500); // 9.5 s: phi ≈ 8.25
        assertThat(detector.state("kv-2")).isEqualTo(PeerState.DOWN);
        detector.heartbeat("kv-2");
        assertThat(detector.state("kv-2")).isEqualTo(PeerState.ALIVE);
        assertThat(detector.phi("kv-2")).isZero();
    }

    @Test
    void slowerHeartbeatsEarnMorePatience() {
        for (int t = 0; t <= 20_000; t += 200) {
            detector.heartbeat("fast");
            if (t % 2_000 == 0) {
                detector.heartbeat("slow");
            }
            clock.addAndGet(200);
        }
        clock.addAndGet(3_800); // both silent for 4 s since their last heartbeat
        assertThat(detector.millisSinceLastHeartbeat("fast")).isEqualTo(4_000);
        assertThat(detector.state("fast")).as("mean 200 ms: phi ≈ 8.7").isEqualTo(PeerState.DOWN);
        assertThat(detector.state("slow")).as("mean 2 s: phi ≈ 0.9").isEqualTo(PeerState.ALIVE);
    }
}
