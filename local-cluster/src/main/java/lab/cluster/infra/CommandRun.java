package lab.cluster.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short-lived helper command (initdb, tar, kafka-storage format) run to completion. */
final class CommandRun {

    private CommandRun() {
    }

    /** Runs {@code command} in {@code workDir}; fails with its output unless it exits 0 in time. */
    static String run(List<String> command, Path workDir, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        try {
            // The output is small; reading it to the end is also how we wait for the exit.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish within " + timeout + ":\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new IOException(command + " exited with " + process.exitValue() + ":\n" + output);
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
    }
}
