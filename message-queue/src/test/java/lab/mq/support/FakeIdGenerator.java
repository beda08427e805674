package lab.mq.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in id-generator with the contract of issue 4 ({@code POST /ids?count=N} ->
 * {@code {"ids":["…"],"node":"idgen-1","workerId":7}}), until the real service is on main.
 * IDs are Snowflake-shaped: milliseconds since 2020 in the high bits, worker 7, a sequence.
 */
public final class FakeIdGenerator implements AutoCloseable {

    private static final long EPOCH_MILLIS = 1_577_836_800_000L;
    private final HttpServer server;
    private final AtomicLong last = new AtomicLong();

    public FakeIdGenerator() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ids", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int count = query != null && query.startsWith("count=") ? Integer.parseInt(query.substring(6)) : 1;
            StringBuilder body = new StringBuilder("{\"ids\":[");
            for (int i = 0; i < count; i++) {
                body.append(i == 0 ? "" : ",").append('"').append(nextId()).append('"');
            }
            body.append("],\"node\":\"idgen-1\",\"workerId\":7}");
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        // Ready as a real generator is while it holds its lease: the services' load balancer probes it.
        server.createContext("/actuator/health/readiness", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    private long nextId() {
        long candidate = ((System.currentTimeMillis() - EPOCH_MILLIS) << 22) | (7L << 12);
        return last.updateAndGet(previous -> Math.max(previous + 1, candidate));
    }

    /** The peer list form of MQ_IDGEN_URLS. */
    public String peers() {
        return "idgen-1=http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
