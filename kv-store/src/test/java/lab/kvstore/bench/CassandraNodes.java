package lab.kvstore.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apache Cassandra 5.0 nodes as separate JVMs on 127.0.0.1, 127.0.0.2, ... (one loopback address
 * each, same ports), started one after another with a shortened ring delay. The JVM flags are
 * those of Cassandra's conf/jvm17-server.options that in-JVM startup needs.
 */
final class CassandraNodes implements AutoCloseable {

    static final int CQL_PORT = 19042;
    private static final int STORAGE_PORT = 17000;
    private static final List<String> JVM_OPENS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED", "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED");

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /** Starts {@code count} nodes with {@code java} and waits for each; throws with the log's reason when one cannot start. */
    static CassandraNodes start(Path java, String classpath, int count, Path workDir, Duration perNodeTimeout)
            throws IOException, InterruptedException {
        CassandraNodes nodes = new CassandraNodes();
        try {
            for (int i = 1; i <= count; i++) {
                nodes.startNode(java, classpath, i, workDir.resolve("cassandra-" + i), perNodeTimeout);
            }
            return nodes;
        } catch (RuntimeException | IOException | InterruptedException e) {
            nodes.close();
            throw e;
        }
    }

    private void startNode(Path java, String classpath, int index, Path dir, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String address = "127.0.0." + index;
        String yaml = String.join("\n",
                "cluster_name: lab-bench",
                "num_tokens: 16",
                "allocate_tokens_for_local_replication_factor: 3",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                // Same durability as the kv-store: a write is acknowledged only after its log is synced.
                "commitlog_sync: batch",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + STORAGE_PORT + "\"",
                "listen_address: " + address,
                "rpc_address: " + address,
                "storage_port: " + STORAGE_PORT,
                "native_transport_port: " + CQL_PORT,
                "start_native_transport: true",
                "endpoint_snitch: SimpleSnitch",
                "auto_bootstrap: false",
                "data_file_directories: [" + dir.resolve("data") + "]",
                "commitlog_directory: " + dir.resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc"),
                "");
        Path config = dir.resolve("cassandra.yaml");
        Files.writeString(config, yaml);
        Path log = dir.resolve("cassandra.log");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms512m", "-Xmx512m"));
        command.addAll(JVM_OPENS);
        command.addAll(List.of("-Dcassandra.config=" + config.toUri(), "-Dcassandra-foreground=true",
                "-Dcassandra.ring_delay_ms=1000", "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.storagedir=" + dir, "-cp", classpath, "org.apache.cassandra.service.CassandraDaemon"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null")).start();
        processes.add(process);
        logs.add(log);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("Startup complete")) {
                return;
            }
            if (!process.isAlive() || text.contains("Exception encountered during startup")) {
                throw new IllegalStateException("Cassandra " + address + " did not start: " + firstCause(text));
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("Cassandra " + address + " not ready within " + timeout + "; log " + log);
    }

    /** The most specific "Caused by" of the startup failure, which names the real blocker. */
    static String firstCause(String log) {
        String cause = null;
        for (String line : log.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        if (cause != null) {
            return cause;
        }
        int at = log.indexOf("Exception encountered during startup");
        return at < 0 ? "(no exception in the log)" : log.substring(at, Math.min(log.length(), at + 400));
    }

    List<String> contactPoints() {
        List<String> points = new ArrayList<>();
        for (int i = 1; i <= processes.size(); i++) {
            points.add("127.0.0." + i + ":" + CQL_PORT);
        }
        return points;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes.reversed()) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
