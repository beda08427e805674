package lab.cluster.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** One row of {@code ./cluster status}: what the launcher sees of a node right now. */
record NodeStatus(String name, String service, boolean running, boolean ready, OptionalLong pid,
                  String address, Path log, long residentMb) {

    String state() {
        return running ? "running" : "stopped";
    }

    /** Resident memory of a process from /proc, 0 where it cannot be read. */
    static long residentMb(OptionalLong pid) {
        if (pid.isEmpty()) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid.getAsLong()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
