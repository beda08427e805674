package lab.load.kv;

import static org.assertj.core.api.Assertions.assertThat;

import lab.load.check.RunChecks;
import org.junit.jupiter.api.Test;

class KvLoadTest {

    private final RunChecks checks = new RunChecks();
    private final KvLoad load = new KvLoad(checks, "run");

    @Test
    void aProbeReadingBackItsValueIsClean() {
        load.judgeProbe(200, "v-1", "probe-1", "v-1");
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.counter("kv.probes")).isEqualTo(1);
    }

    @Test
    void anAcknowledgedWriteThatAQuorumReadDoesNotReturnIsLost() {
        load.judgeProbe(404, "{\"type\":\"/problems/key-not-found\"}", "probe-1", "v-1");
        load.judgeProbe(200, "something else", "probe-2", "v-2");
        assertThat(checks.report().anomalies().get("kv.lost-acknowledged-write").count()).isEqualTo(2);
    }
}
