package lab.payments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per process group on this machine (Linux {@code /proc}), read before and after a run,
 * so the benchmark can say where each operation's CPU went (PostgreSQL, the processor, this JVM)
 * and not only how many operations per second it got. A PostgreSQL backend or a pgbench process
 * that exited during the run is still counted: its CPU moved to its parent's children time
 * ({@code cutime}/{@code cstime}), which is read too.
 */
final class CpuAccount {

    static final String THIS_JVM = "this JVM (payments node + Kafka broker + load driver)";
    static final String POSTGRES = "PostgreSQL";
    static final String PGBENCH = "pgbench";
    static final String PROCESSOR = "processor JVM";
    static final String OTHERS = "id-generators + ZooKeeper";
    /** USER_HZ: the unit of /proc/[pid]/stat times; 100 on every mainstream Linux build. */
    private static final double TICKS_PER_SECOND = 100;

    private CpuAccount() {
    }

    /** CPU seconds used so far by each group. */
    static Map<String, Double> snapshot() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String group : new String[] {THIS_JVM, POSTGRES, PGBENCH, PROCESSOR, OTHERS}) {
            cpu.put(group, 0.0);
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(dir -> {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double own = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    double reapedChildren = (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
                    long pid = Long.parseLong(dir.getFileName().toString());
                    if (pid == self) {
                        cpu.merge(THIS_JVM, own, Double::sum);
                        cpu.merge(PGBENCH, reapedChildren, Double::sum); // pgbench and psql, run and waited for by this JVM
                        return;
                    }
                    String group = groupOf(new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8));
                    if (group != null) {
                        cpu.merge(group, own + (group.equals(POSTGRES) ? reapedChildren : 0), Double::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we read it: its time is in its parent's children time
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return cpu;
    }

    private static String groupOf(String commandLine) {
        if (commandLine.startsWith("pgbench") || commandLine.contains("/pgbench\0")) {
            return PGBENCH;
        }
        if (commandLine.contains("postgres")) {
            return POSTGRES;
        }
        if (commandLine.contains("payments-processor")) {
            return PROCESSOR;
        }
        if (commandLine.contains("id-generator") || commandLine.contains("zookeeper")) {
            return OTHERS;
        }
        return null;
    }

    /** CPU milliseconds per operation in each group between two snapshots. */
    static String perOperation(Map<String, Double> before, Map<String, Double> after, long operations) {
        StringBuilder line = new StringBuilder("    CPU per operation:");
        double total = 0;
        for (Map.Entry<String, Double> entry : after.entrySet()) {
            double millis = (entry.getValue() - before.getOrDefault(entry.getKey(), 0.0)) * 1000 / Math.max(1, operations);
            total += millis;
            if (millis >= 0.005) {
                line.append(String.format(" %s %.2f ms,", entry.getKey(), millis));
            }
        }
        return line.append(String.format(" total %.2f ms", total)).toString();
    }
}
