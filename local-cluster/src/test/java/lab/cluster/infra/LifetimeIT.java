package lab.cluster.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a server when the JVM that launched it goes away. */
class LifetimeIT {

    @TempDir
    Path dir;

    @Test
    void aBoundServerDiesWhenItsLauncherIsSigkilled() throws Exception {
        int port = FreePorts.pick();
        Process launcher = launcher(port, Lifetime.BOUND_TO_JVM);
        ProcessHandle redis = ProcessHandle.of(readyPid(launcher)).orElseThrow();
        assertThat(FreePorts.isListening(port)).isTrue();

        launcher.destroyForcibly(); // SIGKILL: no shutdown hook runs

        redis.onExit().get(30, TimeUnit.SECONDS);
        assertThat(redis.isAlive()).isFalse();
        assertThat(FreePorts.isListening(port)).isFalse();
    }

    @Test
    void anIndependentServerOutlivesItsLauncherAndIsAdoptedLater() throws Exception {
        int port = FreePorts.pick();
        Process launcher = launcher(port, Lifetime.INDEPENDENT);
        long redisPid = readyPid(launcher);
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isZero();

        assertThat(ProcessHandle.of(redisPid)).hasValueSatisfying(redis -> assertThat(redis.isAlive()).isTrue());
        assertThat(FreePorts.isListening(port)).isTrue();

        RedisServer adopted = new RedisServer(dir, port, Lifetime.INDEPENDENT);
        assertThat(adopted.attach()).isTrue();
        assertThat(adopted.pid()).hasValue(redisPid);
        adopted.stop();
        assertThat(ProcessHandle.of(redisPid)).isEmpty();
        assertThat(FreePorts.isListening(port)).isFalse();
    }

    private Process launcher(int port, Lifetime lifetime) throws Exception {
        return new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                RedisLauncherMain.class.getName(), dir.toString(), Integer.toString(port), lifetime.name()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Reads the launcher's output up to its {@code ready <pid>} line. */
    private static long readyPid(Process launcher) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("ready ")) {
                return Long.parseLong(line.substring("ready ".length()).strip());
            }
        }
        throw new AssertionError("the launcher exited with " + launcher.waitFor() + " before Redis was ready");
    }
}
