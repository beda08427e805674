package lab.kvstore.streaming;

import java.util.List;
import lab.kvstore.antientropy.HttpAntiEntropyTransport;
import lab.kvstore.replication.Replica;
import lab.kvstore.storage.StoredEntry;

/**
 * Partition streams between real nodes: this node's own replica directly, others through the
 * anti-entropy endpoints (a whole partition is one segment of a one-leaf tree) and the
 * stale-copy endpoint.
 */
public final class ReplicaStreamTransport implements StreamTransport {

    private final String self;
    private final Replica local;
    private final HttpAntiEntropyTransport remote;

    public ReplicaStreamTransport(String self, Replica local, HttpAntiEntropyTransport remote) {
        this.self = self;
        this.local = local;
        this.remote = remote;
    }

    @Override
    public List<StoredEntry> fetch(String node, int partition, long timeoutMillis) {
        return node.equals(self) ? local.scan(partition) : remote.fetch(node, partition, 1, java.util.Set.of(0), timeoutMillis);
    }

    @Override
    public void push(String node, int partition, List<StoredEntry> entries, long timeoutMillis) {
        if (node.equals(self)) {
            entries.forEach(e -> local.apply(partition, e.key(), e.value()));
        } else {
            remote.push(node, partition, entries, timeoutMillis);
        }
    }

    @Override
    public void dropStaleCopy(String node, int partition, long timeoutMillis) {
        if (node.equals(self)) {
            local.dropPartition(partition);
        } else {
            remote.dropStaleCopy(node, partition, timeoutMillis);
        }
    }
}
