package lab.mq.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a node process seen from outside: its resident set from /proc, and its heap in use
 * right after a full collection, through the JDK's {@code jcmd} (the node runs on the same JDK).
 */
public final class NodeMemory {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;

    public NodeMemory(long pid) {
        this.pid = pid;
    }

    /** Resident memory of the process, in KiB. */
    public long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    /** Heap in use after a full GC (every generation's "used"), in KiB. */
    public long heapAfterGcKib() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = USED.matcher(jcmd("GC.heap_info"));
        long kib = 0;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
        }
        if (kib == 0) {
            throw new IllegalStateException("no heap figures from jcmd " + pid + " GC.heap_info");
        }
        return kib;
    }

    /** The first {@code rows} lines of the live-object class histogram (largest first). */
    public String classHistogram(int rows) throws IOException, InterruptedException {
        return String.join("\n", jcmd("GC.class_histogram").lines().limit(rows + 3).toList());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
