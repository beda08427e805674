package lab.kvstore.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.kvstore.node.KvNodeProcess;

/**
 * Several kv-store nodes as real processes, with the verbs of the lab's LocalCluster API
 * ({@code url}, {@code kill}, {@code start}, {@code adminToken}) so these tests move onto
 * LocalCluster by changing only how the cluster is built, once it lands on main.
 */
final class KvTestCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String ADMIN_TOKEN = "cluster-it-admin-token-0123456789";
    private static final int HEAP_MB = 192;

    private final Map<String, KvNodeProcess> nodes = new LinkedHashMap<>();

    private KvTestCluster() {
    }

    /** Starts the nodes one after another, each ready (storage open, ring known) before the next. */
    static KvTestCluster start(List<String> names) throws IOException {
        KvTestCluster cluster = new KvTestCluster();
        Path root = Files.createTempDirectory("kv-cluster-");
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : names) {
            ports.put(name, KvNodeProcess.freePort());
        }
        String seeds = String.join(",", ports.entrySet().stream()
                .map(e -> e.getKey() + "=http://127.0.0.1:" + e.getValue()).toList());
        for (String name : names) {
            cluster.nodes.put(name, new KvNodeProcess(name, ports.get(name), root.resolve(name),
                    Map.of("KV_SEEDS", seeds, "ADMIN_TOKEN", ADMIN_TOKEN)));
        }
        try {
            for (String name : names) {
                cluster.start(name);
            }
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    URI url(String node) {
        return URI.create(nodes.get(node).baseUrl());
    }

    /** SIGKILL; returns when the process is gone. */
    void kill(String node) throws InterruptedException {
        nodes.get(node).kill();
    }

    /** Starts the node again on its data directory and waits until it is ready. */
    void start(String node) throws IOException {
        nodes.get(node).start(HEAP_MB).awaitReady(READY_TIMEOUT);
    }

    String adminToken() {
        return ADMIN_TOKEN;
    }

    String logTail(String node) {
        return nodes.get(node).logTail();
    }

    @Override
    public void close() {
        for (KvNodeProcess node : nodes.values()) {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
