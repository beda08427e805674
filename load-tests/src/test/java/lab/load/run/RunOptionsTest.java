package lab.load.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void everyOptionBecomesASystemPropertyOfTheSimulation() {
        RunOptions options = RunOptions.parse("kv", "--rate", "250", "--duration", "2m", "--set", "kv.r=1");
        assertThat(options.scenario()).isEqualTo(Scenario.KV);
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        Map<String, String> props = options.systemProperties(Map.of("kv", List.of("http://127.0.0.1:8301", "http://127.0.0.1:8302")),
                Optional.empty(), Path.of("checks.json"));
        assertThat(props).containsEntry("load.rate", "250.0").containsEntry("load.duration", "120000ms")
                .containsEntry("load.urls.kv", "http://127.0.0.1:8301,http://127.0.0.1:8302")
                .containsEntry("load.kv.r", "1")
                .containsEntry("load.report.file", "checks.json");
    }

    @Test
    void eachScenarioHasItsDefaultRateAndTheBackgroundRunsUntilStopped() {
        assertThat(RunOptions.parse("ids").ratePerSecond()).isEqualTo(100);
        assertThat(RunOptions.parse("background").ratePerSecond()).isEqualTo(5);
        assertThat(LoadRunner.human(RunOptions.parse("background").duration())).isEqualTo("until stopped");
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatIsWrong() {
        assertThatThrownBy(() -> RunOptions.parse("queue")).hasMessageContaining("unknown scenario 'queue'");
        assertThatThrownBy(() -> RunOptions.parse("ids", "--rate", "-5")).hasMessageContaining("positive");
        assertThatThrownBy(() -> RunOptions.parse("ids", "--duration", "soon")).hasMessageContaining("60s");
        assertThatThrownBy(() -> RunOptions.parse("ids", "--url", "queue=http://x")).hasMessageContaining("unknown service");
        assertThatThrownBy(() -> RunOptions.parse("ids", "--rate")).hasMessageContaining("needs a value");
    }
}
