package lab.kvstore.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationFileTest {

    @TempDir
    Path dir;

    @Test
    void generationsGrowAcrossStartsEvenWhenTheClockSteppedBack() {
        Path file = dir.resolve("gossip-generation");
        assertThat(new GenerationFile(file).next(5_000)).isEqualTo(5_000);
        assertThat(new GenerationFile(file).next(2_000)).as("clock stepped back 3 s across a restart").isEqualTo(5_001);
        assertThat(new GenerationFile(file).next(2_000)).isEqualTo(5_002);
        assertThat(new GenerationFile(file).next(9_000)).as("the clock again when it is ahead").isEqualTo(9_000);
    }

    @Test
    void aRestartedNodesFirstHeartbeatIsNewerThanItsLastOneBeforeTheRestart() {
        Path file = dir.resolve("gossip-generation");
        Heartbeat beforeRestart = new Heartbeat(new GenerationFile(file).next(5_000), 1_000);
        Heartbeat afterRestart = new Heartbeat(new GenerationFile(file).next(1_000), 1);
        assertThat(afterRestart.isNewerThan(beforeRestart)).isTrue();
    }
}
