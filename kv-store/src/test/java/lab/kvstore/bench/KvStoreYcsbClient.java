package lab.kvstore.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 */
public class KvStoreYcsbClient extends DB {

    private static final int CONTEXT_CACHE_ENTRIES = 100_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpClient http;
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
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        contexts = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > CONTEXT_CACHE_ENTRIES;
            }
        };
    }

    @Override
    public void cleanup() {
        http.close();
    }

    private URI uri(String table, String key, String query) {
        URI node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        return node.resolve("/kv/" + table + ":" + key + "?" + query);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(table, key, "r=" + r))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("X-Context").ifPresent(c -> contexts.put(key, c));
            switch (response.statusCode()) {
                case 200 -> RecordCodec.decode(response.body(), fields, result);
                case 300 -> {
                    // Siblings: a real application would merge them; the benchmark takes the first.
                    JsonNode first = JSON.readTree(response.body()).get("siblings").get(0);
                    RecordCodec.decode(Base64.getDecoder().decode(first.get("value").asString()), fields, result);
                }
                case 404 -> {
                    return Status.NOT_FOUND;
                }
                default -> {
                    return failed("read " + key + " answered " + response.statusCode(), null);
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
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(table, key, "w=" + w)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(RecordCodec.encode(values)));
            String context = contexts.get(key);
            if (context != null) {
                request.header("X-Context", context);
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 204) {
                return failed(response.statusCode() + " " + key, null);
            }
            response.headers().firstValue("X-Context").ifPresent(c -> contexts.put(key, c));
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
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(table, key, "w=" + w)).timeout(Duration.ofSeconds(5)).DELETE();
            String context = contexts.remove(key);
            if (context != null) {
                request.header("X-Context", context);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 204 ? Status.OK : Status.ERROR;
        } catch (Exception e) {
            return Status.ERROR;
        }
    }
}
