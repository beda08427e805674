package lab.cluster.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command line of a running process, as the kernel reports it now. */
final class ProcessCommandLine {

    private ProcessCommandLine() {
    }

    /**
     * {@code /proc/<pid>/cmdline} with the NULs between arguments turned into spaces; it is
     * complete even for long command lines that {@code ProcessHandle.Info} may truncate, and
     * empty for a zombie. Falls back to {@code ProcessHandle.Info} where there is no /proc.
     */
    static String of(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }
}
