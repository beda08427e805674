package lab.load.ids;

import static org.assertj.core.api.Assertions.assertThat;

import lab.load.check.Json;
import lab.load.check.RunChecks;
import org.junit.jupiter.api.Test;

class IdsLoadTest {

    private final RunChecks checks = new RunChecks();
    private final IdsLoad load = new IdsLoad(checks);

    @Test
    void distinctIdsFromTwoNodesAreClean() {
        load.accept(Json.parse("{\"ids\":[\"100\",\"101\",\"102\"],\"node\":\"idgen-1\",\"workerId\":0}"), 3);
        load.accept(Json.parse("{\"ids\":[\"99\"],\"node\":\"idgen-2\",\"workerId\":1}"), 1);
        assertThat(checks.anomalyCount()).isZero();
        assertThat(checks.counter("ids.received")).isEqualTo(4);
    }

    @Test
    void anIdReceivedTwiceFromAnyNodeIsADuplicate() {
        load.accept(Json.parse("{\"ids\":[\"100\",\"101\"],\"node\":\"idgen-1\"}"), 2);
        load.accept(Json.parse("{\"ids\":[\"101\"],\"node\":\"idgen-2\"}"), 1);
        assertThat(checks.report().anomalies()).containsOnlyKeys("ids.duplicate");
        assertThat(checks.report().anomalies().get("ids.duplicate").examples().getFirst()).contains("101").contains("idgen-2");
    }

    @Test
    void aShortOrUnorderedBatchIsAnAnomaly() {
        load.accept(Json.parse("{\"ids\":[\"5\",\"4\"],\"node\":\"idgen-1\"}"), 3);
        assertThat(checks.report().anomalies()).containsOnlyKeys("ids.short-batch", "ids.unordered-batch");
    }
}
