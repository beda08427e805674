package lab.kvstore.replication;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import lab.kvstore.ring.Membership;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeException;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;

/**
 * The replica protocol over HTTP/1.1 through the platform's {@link InterNodeClient} (deadline on
 * every call, retries of the idempotent ones, a breaker per peer, the partition fault). Values
 * travel in {@link VersionCodec}'s binary form; keys travel base64url-encoded in the path so any
 * UTF-8 key (slashes, '?', '%') survives. See docs/kv-store.md for the measured cost.
 */
public final class HttpReplicaTransport implements ReplicaTransport {

    public static final String CONTEXT_HEADER = "X-Context";
    public static final String COORDINATOR_HEADER = "X-Kv-Coordinator";
    public static final String ACKS_HEADER = "X-Kv-Acks";
    public static final String WRITE_QUORUM_HEADER = "X-Kv-W";
    public static final String DELETE_HEADER = "X-Kv-Delete";
    public static final String STRICT_HEADER = "X-Kv-Strict";
    static final String OCTETS = "application/octet-stream";

    private final InterNodeClient client;
    private final Membership membership;
    private final Function<InterNodeResponse, RuntimeException> remoteProblems;

    /**
     * @param remoteProblems turns a problem answered by a forwarded-to coordinator into the
     *                       exception this node rethrows (the web layer owns the JSON)
     */
    public HttpReplicaTransport(InterNodeClient client, Membership membership,
                                Function<InterNodeResponse, RuntimeException> remoteProblems) {
        this.client = client;
        this.membership = membership;
        this.remoteProblems = remoteProblems;
    }

    public static String encodeKey(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    public static String decodeKey(String encoded) {
        return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<VersionedValue> read(String node, String key, long timeoutMillis) {
        InterNodeRequest request = InterNodeRequest.get(membership.peer(node), path(key), Duration.ofMillis(timeoutMillis));
        return call(node, request, response -> switch (response.status()) {
            case 200 -> VersionCodec.decode(response.body());
            case 404 -> VersionedValue.EMPTY;
            default -> throw failed(node, response);
        });
    }

    @Override
    public CompletableFuture<Void> apply(String node, String key, VersionedValue delta, long timeoutMillis) {
        InterNodeRequest request = InterNodeRequest.put(membership.peer(node), path(key), Duration.ofMillis(timeoutMillis))
                .body(VersionCodec.encode(delta), OCTETS);
        return call(node, request, response -> {
            if (response.status() != 204) {
                throw failed(node, response);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> hint(String fallback, String target, String key, VersionedValue delta, long timeoutMillis) {
        InterNodeRequest request = InterNodeRequest.put(membership.peer(fallback),
                        "/internal/hints/" + target + "/" + encodeKey(key), Duration.ofMillis(timeoutMillis))
                .body(VersionCodec.encode(delta), OCTETS);
        return call(fallback, request, response -> {
            if (response.status() != 204) {
                throw failed(fallback, response);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<WriteResult> forwardWrite(String node, WriteCommand command, long timeoutMillis) {
        InterNodeRequest request = InterNodeRequest.post(membership.peer(node), path(command.key()) + "/coordinate",
                        Duration.ofMillis(timeoutMillis))
                .noRetry()
                .body(command.value(), command.contentType())
                .header(CONTEXT_HEADER, VersionCodec.toToken(command.context()))
                .header(WRITE_QUORUM_HEADER, Integer.toString(command.writeQuorum()))
                .header(DELETE_HEADER, Boolean.toString(command.delete()))
                .header(STRICT_HEADER, Boolean.toString(command.strict()));
        return call(node, request, response -> {
            if (response.status() != 204) {
                throw remoteProblems.apply(response);
            }
            return new WriteResult(VersionCodec.fromToken(response.header(CONTEXT_HEADER)),
                    response.header(COORDINATOR_HEADER), Integer.parseInt(response.header(ACKS_HEADER)));
        });
    }

    private <T> CompletableFuture<T> call(String node, InterNodeRequest request, Function<InterNodeResponse, T> onAnswer) {
        return client.sendAsync(request).handle((response, failure) -> {
            if (failure != null) {
                throw translate(node, failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
            return onAnswer.apply(response);
        });
    }

    private static RuntimeException translate(String node, Throwable failure) {
        if (failure instanceof InterNodeException call) {
            ReplicaCallException.Kind kind = switch (call.failure()) {
                case CONNECT_FAILED, CIRCUIT_OPEN -> ReplicaCallException.Kind.UNREACHABLE;
                case TIMEOUT, IO_ERROR, INTERRUPTED -> ReplicaCallException.Kind.TIMEOUT;
            };
            return new ReplicaCallException(node, kind, call.getMessage(), call);
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new ReplicaCallException(node, ReplicaCallException.Kind.FAILED, String.valueOf(failure), failure);
    }

    private static ReplicaCallException failed(String node, InterNodeResponse response) {
        return new ReplicaCallException(node, ReplicaCallException.Kind.FAILED,
                "answered " + response.status() + ": " + abbreviate(response.bodyAsString()), null);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String path(String key) {
        return "/internal/kv/" + encodeKey(key);
    }
}
