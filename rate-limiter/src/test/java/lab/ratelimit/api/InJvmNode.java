package lab.ratelimit.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.ratelimit.RateLimiterApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A limiter node as a Spring context inside the test JVM, on a port chosen by the test, so that
 * several nodes can be listed as each other's peers. The multi-node tests proper run separate
 * JVMs through LocalCluster; this is the cheap way to exercise two nodes against one Redis.
 */
final class InJvmNode implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    InJvmNode(String nodeId, int port, Map<String, Object> properties) {
        this.port = port;
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("server.port", port);
        all.put("lab.node.id", nodeId);
        // As command-line arguments: they outrank application.yml (builder properties would not).
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        this.context = new SpringApplicationBuilder(RateLimiterApplication.class).run(args);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        context.close();
    }
}
