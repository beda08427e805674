package lab.load.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunChecksTest {

    @Test
    void theReportSurvivesTheRoundTripThroughItsJsonFile(@TempDir Path dir) {
        RunChecks checks = new RunChecks();
        for (int i = 0; i < 7; i++) {
            checks.anomaly("ids.duplicate", "id " + i);
        }
        checks.count("ids.received", 42);
        checks.unexpected("POST /ids: 503 /problems/no-worker-lease");
        checks.histogram("messaging.publish-to-deliver").record(12);
        checks.note("bound not checked");
        checks.note("bound not checked");

        Path file = dir.resolve("checks.json");
        checks.report().write(file);
        RunChecks.Report read = RunChecks.Report.read(file);

        assertThat(read.anomalyCount()).isEqualTo(7);
        assertThat(read.anomalies().get("ids.duplicate").examples()).hasSize(RunChecks.EXAMPLES_PER_KIND);
        assertThat(read.counters()).containsEntry("ids.received", 42L);
        assertThat(read.unexpectedAnswers()).containsEntry("POST /ids: 503 /problems/no-worker-lease", 1L);
        assertThat(read.latenciesMillis().get("messaging.publish-to-deliver").p99()).isEqualTo(12);
        assertThat(read.notes()).containsExactly("bound not checked");
    }
}
