package lab.cluster.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Answers whether a server is ready to serve; polled by {@link LocalServer#awaitReady}. */
@FunctionalInterface
public interface ReadinessProbe {

    boolean isReady() throws Exception;

    /** Something accepts TCP connections on 127.0.0.1:port. */
    static ReadinessProbe tcp(int port) {
        return () -> FreePorts.isListening(port);
    }

    /** A GET answers 2xx. */
    static ReadinessProbe http(URI uri) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
        return () -> {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 300;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /** The log contains {@code text} anywhere (logs are appended across restarts: see the overload). */
    static ReadinessProbe logContains(Path log, String text) {
        return logContains(log, text, 0);
    }

    /** The log contains {@code text} after byte {@code fromByte}, e.g. after where this start began writing. */
    static ReadinessProbe logContains(Path log, String text, long fromByte) {
        LogFile file = new LogFile(log);
        return () -> file.containsAfter(fromByte, text);
    }

    /** Both probes answer ready. */
    default ReadinessProbe and(ReadinessProbe other) {
        return () -> isReady() && other.isReady();
    }
}
