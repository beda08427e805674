package lab.platform.internode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One call to another node. The timeout is a constructor argument, not an option: there is no
 * way to build a call without a deadline. Only calls marked {@link #idempotent()} are retried.
 */
public final class InterNodeRequest {

    private final String method;
    private final Peer peer;
    private final String path;
    private final Duration timeout;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private boolean idempotent;

    private InterNodeRequest(String method, Peer peer, String path, Duration timeout) {
        this.method = method;
        this.peer = Objects.requireNonNull(peer, "peer");
        this.path = Objects.requireNonNull(path, "path");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("an inter-node call needs a positive timeout, got " + timeout);
        }
        // GET, PUT and DELETE are idempotent by HTTP's definition; POST only when the caller says so.
        this.idempotent = !method.equals("POST");
    }

    public static InterNodeRequest get(Peer peer, String path, Duration timeout) {
        return new InterNodeRequest("GET", peer, path, timeout);
    }

    public static InterNodeRequest post(Peer peer, String path, Duration timeout) {
        return new InterNodeRequest("POST", peer, path, timeout);
    }

    public static InterNodeRequest put(Peer peer, String path, Duration timeout) {
        return new InterNodeRequest("PUT", peer, path, timeout);
    }

    public static InterNodeRequest delete(Peer peer, String path, Duration timeout) {
        return new InterNodeRequest("DELETE", peer, path, timeout);
    }

    public InterNodeRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public InterNodeRequest body(byte[] content, String contentType) {
        this.body = content.clone();
        return header("Content-Type", contentType);
    }

    /** Marks a POST safe to retry (for example one that carries an idempotency key). */
    public InterNodeRequest idempotent() {
        this.idempotent = true;
        return this;
    }

    /** Forbids retries even for GET/PUT/DELETE (for example a call whose side effect is counted). */
    public InterNodeRequest noRetry() {
        this.idempotent = false;
        return this;
    }

    public String method() {
        return method;
    }

    public Peer peer() {
        return peer;
    }

    public String path() {
        return path;
    }

    public Duration timeout() {
        return timeout;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public byte[] bodyOrNull() {
        return body;
    }

    public boolean isIdempotent() {
        return idempotent;
    }
}
