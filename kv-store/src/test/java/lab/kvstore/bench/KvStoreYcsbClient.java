package lab.kvstore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ThreadLocalRandom;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * YCSB binding for the kv-store, written the way a Dynamo client works: every request goes to a
 * random node (which coordinates it), reads carry R, writes carry W and the causal context of
 * the last read or write of that key by this client, so an update replaces what the client saw
 * instead of piling up siblings. Properties: {@code kv.urls} (comma-separated), {@code kv.r},
 * {@code kv.w}.
 *
 * <p>It speaks HTTP/1.1 through {@link HttpURLConnection} (blocking, kept-alive connections),
 * not {@code java.net.http.HttpClient}: on two cores the latter's asynchronous machinery cost
 * the client JVM 0.7 of a core in workload B, CPU taken from the nodes under test that
 * Cassandra's driver does not take from Cassandra (docs/kv-store.md, benchmark).
 */
public class KvStoreYcsbClient extends DB {

    private static final int CONTEXT_CACHE_ENTRIES = 100_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        // Idle kept-alive connections per node; the JDK's default of 5 would reconnect 8 threads.
        System.setProperty("http.maxConnections", "64");
    }

    private record Reply(int status, String context, byte[] body) {
    }

    private List<URI> nodes;
    private String r;
    private String w;
    private Map<String, String> contexts;
    private boolean errorReported;

    @Override
    public void init() throws DBException {
        String urls = getProperties().getProperty("kv.urls");
        if (urls == null || urls.isBlank()) {
            throw new DBException("set -p kv.urls=http://127.0.0.1:8301,...");
        }
        nodes = java.util.Arrays.stream(urls.split(",")).map(String::strip).map(URI::create).toList();
        r = getProperties().getProperty("kv.r", "2");
        w = getProperties().getProperty("kv.w", "2");
        contexts = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > CONTEXT_CACHE_ENTRIES;
            }
        };
    }

    private URI uri(String table, String key, String query) {
        URI node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        return node.resolve("/kv/" + table + ":" + key + "?" + query);
    }

    /** One exchange; the body is read to its end so the connection goes back to the keep-alive cache. */
    private static Reply exchange(String method, URI uri, String context, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        connection.setReadTimeout(READ_TIMEOUT_MILLIS);
        connection.setInstanceFollowRedirects(false);
        connection.setRequestMethod(method);
        if (context != null) {
            connection.setRequestProperty("X-Context", context);
        }
        if (body != null) {
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/octet-stream");
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        byte[] answer = new byte[0];
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                answer = in.readAllBytes();
            }
        }
        return new Reply(status, connection.getHeaderField("X-Context"), answer);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Reply reply = exchange("GET", uri(table, key, "r=" + r), null, null);
            if (reply.context() != null) {
                contexts.put(key, reply.context());
            }
            switch (reply.status()) {
                case 200 -> RecordCodec.decode(reply.body(), fields, result);
                case 300 -> {
                    // Siblings: a real application would merge them; the benchmark takes the first.
                    JsonNode first = JSON.readTree(reply.body()).get("siblings").get(0);
                    RecordCodec.decode(Base64.getDecoder().decode(first.get("value").asString()), fields, result);
                }
                case 404 -> {
                    return Status.NOT_FOUND;
                }
                default -> {
                    return failed("read " + key + " answered " + reply.status(), null);
                }
            }
            return Status.OK;
        } catch (Exception e) {
            return failed("read " + key, e);
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<java.util.HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return write(table, key, values);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        return write(table, key, values);
    }

    private Status write(String table, String key, Map<String, ByteIterator> values) {
        try {
            Reply reply = exchange("PUT", uri(table, key, "w=" + w), contexts.get(key), RecordCodec.encode(values));
            if (reply.status() != 204) {
                return failed(reply.status() + " " + key, null);
            }
            if (reply.context() != null) {
                contexts.put(key, reply.context());
            }
            return Status.OK;
        } catch (Exception e) {
            return failed("write " + key, e);
        }
    }

    /** Reports the first failure of this client thread on stderr (YCSB only counts them). */
    private Status failed(String what, Exception e) {
        if (!errorReported) {
            errorReported = true;
            System.err.println("kv-store binding: " + what + " failed: " + e);
        }
        return Status.ERROR;
    }

    @Override
    public Status delete(String table, String key) {
        try {
            return exchange("DELETE", uri(table, key, "w=" + w), contexts.remove(key), null).status() == 204 ? Status.OK : Status.ERROR;
        } catch (Exception e) {
            return Status.ERROR;
        }
    }
}
