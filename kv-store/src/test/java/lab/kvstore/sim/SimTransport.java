package lab.kvstore.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lab.kvstore.antientropy.AntiEntropyTransport;
import lab.kvstore.handoff.HintReplayer;
import lab.kvstore.membership.GossipMessage;
import lab.kvstore.membership.GossipTransport;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.ReplicaCallException;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.replication.WriteResult;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionedValue;

/**
 * What one node's calls to the others become in the simulation: each a request message and an
 * answer message over {@link SimWorld#call}, running the receiver's real server-side code (the
 * same methods the internal HTTP controllers call).
 */
final class SimTransport implements ReplicaTransport, AntiEntropyTransport, GossipTransport {

    private final SimWorld world;
    private final String self;

    SimTransport(SimWorld world, String self) {
        this.world = world;
        this.self = self;
    }

    @Override
    public CompletableFuture<VersionedValue> read(String node, String key, long timeoutMillis) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return world.call(self, node, "read " + key, timeoutMillis, SimWorld.Delivery.IDEMPOTENT,
                n -> n.replica.read(n.membership.ring().partitionOf(bytes), bytes));
    }

    @Override
    public CompletableFuture<Void> apply(String node, String key, VersionedValue delta, long timeoutMillis) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return world.call(self, node, "apply " + key, timeoutMillis, SimWorld.Delivery.IDEMPOTENT, n -> {
            n.replica.apply(n.membership.ring().partitionOf(bytes), bytes, delta);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> hint(String fallback, String target, String key, VersionedValue delta, long timeoutMillis) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return world.call(self, fallback, "hint " + key + " for " + target, timeoutMillis, SimWorld.Delivery.IDEMPOTENT, n -> {
            if (!HintReplayer.hold(n.hints, KvMetrics.NONE, target, bytes, delta)) {
                throw new IllegalStateException("hint queue for " + target + " is full");
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<WriteResult> forwardWrite(String node, WriteCommand command, long timeoutMillis) {
        return world.call(self, node, "forward " + command.key(), timeoutMillis, SimWorld.Delivery.ONCE,
                n -> n.coordinator.write(command, timeoutMillis));
    }

    @Override
    public CompletableFuture<GossipMessage> exchange(String node, GossipMessage message, long timeoutMillis) {
        return world.call(self, node, "gossip", timeoutMillis, SimWorld.Delivery.IDEMPOTENT, n -> n.gossiper.receive(message));
    }

    @Override
    public byte[][] leaves(String peer, int partition, int segments, long timeoutMillis) {
        return await(world.call(self, peer, "leaves " + partition, timeoutMillis, SimWorld.Delivery.IDEMPOTENT,
                n -> n.antiEntropy.leaves(partition, segments)), timeoutMillis);
    }

    @Override
    public List<StoredEntry> fetch(String peer, int partition, int segments, Set<Integer> wanted, long timeoutMillis) {
        return await(world.call(self, peer, "fetch " + partition, timeoutMillis, SimWorld.Delivery.IDEMPOTENT,
                n -> n.antiEntropy.entries(partition, segments, wanted)), timeoutMillis);
    }

    @Override
    public void push(String peer, int partition, List<StoredEntry> entries, long timeoutMillis) {
        await(world.call(self, peer, "push " + partition, timeoutMillis, SimWorld.Delivery.IDEMPOTENT, n -> {
            for (StoredEntry entry : entries) {
                n.replica.apply(partition, entry.key(), entry.value());
            }
            return null;
        }), timeoutMillis);
    }

    /** The blocking calls of anti-entropy, as HttpAntiEntropyTransport makes them: a failure throws. */
    private <T> T await(CompletableFuture<T> call, long timeoutMillis) {
        SimNode node = world.node(self);
        try {
            return node.runtime.waiter().get(call, node.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + 1));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ReplicaCallException(self, ReplicaCallException.Kind.TIMEOUT, "no answer in time", e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
