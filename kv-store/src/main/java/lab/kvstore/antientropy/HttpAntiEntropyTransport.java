package lab.kvstore.antientropy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lab.kvstore.ring.Membership;
import lab.kvstore.storage.StoredEntry;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.InterNodeRequest;
import lab.platform.internode.InterNodeResponse;

/**
 * Anti-entropy and partition-stream calls over the platform client (deadlines, breakers, the
 * partition fault). Pushed entries go in as many requests as it takes to keep every body within
 * the limit the receiving node enforces ({@link EntryBatches}).
 */
public final class HttpAntiEntropyTransport implements AntiEntropyTransport {

    private static final String OCTETS = "application/octet-stream";

    private final InterNodeClient client;
    private final Membership membership;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest request body a node accepts (every node runs with the same limit) */
    public HttpAntiEntropyTransport(InterNodeClient client, Membership membership, long maxBodyBytes) {
        this.client = client;
        this.membership = membership;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public byte[][] leaves(String peer, int partition, int segments, long timeoutMillis) {
        byte[] body = call(InterNodeRequest.get(membership.peer(peer), base(partition, segments) + "/leaves",
                Duration.ofMillis(timeoutMillis)), timeoutMillis);
        if (body.length != segments * 32) {
            throw new IllegalStateException(peer + " sent " + body.length + " bytes of leaves, expected " + segments * 32);
        }
        byte[][] leaves = new byte[segments][32];
        ByteBuffer in = ByteBuffer.wrap(body);
        for (byte[] leaf : leaves) {
            in.get(leaf);
        }
        return leaves;
    }

    @Override
    public List<StoredEntry> fetch(String peer, int partition, int segments, Set<Integer> wanted, long timeoutMillis) {
        String list = wanted.stream().map(String::valueOf).collect(Collectors.joining(","));
        return EntriesCodec.decode(call(InterNodeRequest.get(membership.peer(peer),
                base(partition, segments) + "/entries?wanted=" + list, Duration.ofMillis(timeoutMillis)), timeoutMillis));
    }

    /** Joins the entries into the peer's replica, one request per {@link EntryBatches batch}; each request has the timeout. */
    @Override
    public void push(String peer, int partition, List<StoredEntry> entries, long timeoutMillis) {
        for (List<StoredEntry> batch : EntryBatches.of(entries, maxBodyBytes)) {
            call(InterNodeRequest.put(membership.peer(peer), "/internal/antientropy/" + partition + "/entries",
                    Duration.ofMillis(timeoutMillis)).body(EntriesCodec.encode(batch), OCTETS), timeoutMillis);
        }
    }

    /** Asks a node to drop its stale copy of a partition it is about to gain (see StreamTransport). */
    public void dropStaleCopy(String peer, int partition, long timeoutMillis) {
        call(InterNodeRequest.delete(membership.peer(peer), "/internal/partitions/" + partition + "/stale-copy",
                Duration.ofMillis(timeoutMillis)), timeoutMillis);
    }

    private byte[] call(InterNodeRequest request, long timeoutMillis) {
        try {
            InterNodeResponse response = client.sendAsync(request).get(timeoutMillis + 200, TimeUnit.MILLISECONDS);
            if (response.status() / 100 != 2) {
                throw new IllegalStateException(request.peer().nodeId() + " answered " + response.status());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(request.peer().nodeId() + ": " + (e.getCause() != null ? e.getCause().getMessage() : "timeout"), e);
        }
    }

    private static String base(int partition, int segments) {
        return "/internal/antientropy/" + partition + "/" + segments;
    }
}
