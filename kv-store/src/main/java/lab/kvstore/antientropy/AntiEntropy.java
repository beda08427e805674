package lab.kvstore.antientropy;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import lab.kvstore.gc.TombstoneRule;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.ring.Ring;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionedValue;

/**
 * Background replica synchronisation, Dynamo's anti-entropy. Each {@link #round} takes the next
 * partition this node replicates (round robin: the rate bound is one partition per round) and
 * exchanges it with every other replica: compare Merkle trees, fetch the peer's entries of the
 * differing segments and join them here, push ours that the peer lacks or holds differently.
 * Only differing segments travel. When every exchange of the round succeeded, the tombstones
 * that were here before it began are collected ({@link TombstoneRule}): each keeps its causal context.
 */
public final class AntiEntropy {

    /** One exchange, for /admin/repair. */
    public record Exchange(int partition, String peer, Instant finishedAt, String outcome, int segmentsDiffering,
                           int keysRepaired, String error) {
    }

    private static final int HISTORY = 50;

    private final String self;
    private final Supplier<Ring> ring;
    private final Replica local;
    private final AntiEntropyTransport transport;
    private final KvMetrics metrics;
    private final LongSupplier clockMillis;
    private final int segments;
    private final long hintMaxAgeMillis;
    private final boolean collectTombstones;
    private final ArrayDeque<Exchange> history = new ArrayDeque<>();
    private int cursor;
    private long sweeps;
    private int partitionsThisSweep;
    private long tombstonesCollected;
    private long keysRepaired;

    public AntiEntropy(String self, Supplier<Ring> ring, Replica local, AntiEntropyTransport transport, KvMetrics metrics,
                       LongSupplier clockMillis, int segments, long hintMaxAgeMillis, boolean collectTombstones) {
        this.self = self;
        this.ring = ring;
        this.local = local;
        this.transport = transport;
        this.metrics = metrics;
        this.clockMillis = clockMillis;
        this.segments = segments;
        this.hintMaxAgeMillis = hintMaxAgeMillis;
        this.collectTombstones = collectTombstones;
    }

    /** Synchronises the next partition this node replicates with its other replicas. */
    public synchronized void round(long callTimeoutMillis) {
        Ring current = ring.get();
        for (int step = 0; step < current.partitionCount(); step++) {
            int partition = cursor;
            cursor = (cursor + 1) % current.partitionCount();
            if (cursor == 0) {
                sweeps++;
                partitionsThisSweep = 0;
            }
            if (current.preferenceList(partition).contains(self)) {
                partitionsThisSweep++;
                syncPartition(current, partition, callTimeoutMillis);
                return;
            }
        }
    }

    /** Exchanges one partition with every other replica; returns whether all exchanges succeeded. */
    public synchronized boolean syncPartition(Ring current, int partition, long callTimeoutMillis) {
        long now = clockMillis.getAsLong();
        List<StoredEntry> tombstones = local.scan(partition).stream()
                .filter(e -> TombstoneRule.oldEnough(e.value(), now, hintMaxAgeMillis)).toList();
        boolean allSucceeded = true;
        for (String peer : current.preferenceList(partition)) {
            if (!peer.equals(self)) {
                allSucceeded &= exchange(partition, peer, callTimeoutMillis);
            }
        }
        if (collectTombstones && allSucceeded) {
            int collected = 0;
            for (StoredEntry tombstone : tombstones) {
                if (TombstoneRule.collectible(tombstone.value(), tombstone.value(), true)
                        && local.collectIfUnchanged(partition, tombstone.key(), tombstone.value())) {
                    collected++;
                }
            }
            tombstonesCollected += collected;
            metrics.tombstonesCollected(collected);
        }
        return allSucceeded;
    }

    private boolean exchange(int partition, String peer, long callTimeoutMillis) {
        try {
            MerkleTree mine = MerkleTree.build(local.scan(partition), segments);
            MerkleTree theirs = MerkleTree.fromLeaves(transport.leaves(peer, partition, segments, callTimeoutMillis));
            List<Integer> differing = mine.differingSegments(theirs);
            int repaired = 0;
            if (!differing.isEmpty()) {
                repaired = repair(partition, peer, new HashSet<>(differing), callTimeoutMillis);
            }
            record(new Exchange(partition, peer, Instant.ofEpochMilli(clockMillis.getAsLong()),
                    differing.isEmpty() ? "in-sync" : "repaired", differing.size(), repaired, null));
            metrics.antiEntropyExchange(peer, differing.isEmpty() ? "in-sync" : "repaired", differing.size(), repaired);
            return true;
        } catch (RuntimeException e) {
            record(new Exchange(partition, peer, Instant.ofEpochMilli(clockMillis.getAsLong()), "failed", 0, 0,
                    String.valueOf(e.getMessage())));
            metrics.antiEntropyExchange(peer, "failed", 0, 0);
            return false;
        }
    }

    /** Joins the peer's entries of the differing segments here, then pushes what the peer lacks. */
    private int repair(int partition, String peer, Set<Integer> differing, long callTimeoutMillis) {
        Map<String, VersionedValue> theirs = new HashMap<>();
        int repaired = 0;
        for (StoredEntry entry : transport.fetch(peer, partition, segments, differing, callTimeoutMillis)) {
            theirs.put(Arrays.toString(entry.key()), entry.value());
            VersionedValue before = local.read(partition, entry.key());
            if (isCollectedHere(before, entry.value())) {
                continue;
            }
            if (!before.join(entry.value()).equals(before)) {
                local.apply(partition, entry.key(), entry.value());
                repaired++;
            }
        }
        List<StoredEntry> push = new ArrayList<>();
        for (StoredEntry entry : local.scan(partition)) {
            if (differing.contains(MerkleTree.segmentOf(entry.key(), segments))) {
                VersionedValue peerValue = theirs.get(Arrays.toString(entry.key()));
                if (peerValue == null && TombstoneRule.oldEnough(entry.value(), clockMillis.getAsLong(), hintMaxAgeMillis)) {
                    continue; // the peer collected it already (see isCollectedHere)
                }
                if (!entry.value().equals(peerValue)) {
                    push.add(entry);
                }
            }
        }
        if (!push.isEmpty()) {
            transport.push(peer, partition, push, callTimeoutMillis);
        }
        synchronized (this) {
            keysRepaired += repaired + push.size();
        }
        return repaired + push.size();
    }

    /**
     * An old tombstone offered for a key this node holds nothing of was collected here: taking it
     * back would make two replicas hand it to each other forever. Not taking it is safe: with no
     * copy of the key here, there is nothing for it to delete, and any older value can only come
     * from a replica that holds the key (and gets the tombstone by exchange) or from a hint older
     * than the age bound (dropped, never replayed).
     */
    private boolean isCollectedHere(VersionedValue mine, VersionedValue offered) {
        return collectTombstones && mine.isAbsent() && mine.context().isEmpty()
                && TombstoneRule.oldEnough(offered, clockMillis.getAsLong(), hintMaxAgeMillis);
    }

    private synchronized void record(Exchange exchange) {
        history.addFirst(exchange);
        while (history.size() > HISTORY) {
            history.removeLast();
        }
    }

    public synchronized List<Exchange> recent() {
        return List.copyOf(history);
    }

    /** Progress: completed sweeps over all partitions, partitions of the current sweep done, totals. */
    public synchronized Map<String, Object> progress() {
        return Map.of("sweepsCompleted", sweeps, "partitionsSyncedThisSweep", partitionsThisSweep,
                "partitionsReplicatedHere", ring.get().replicaPartitions().getOrDefault(self, 0),
                "keysRepaired", keysRepaired, "tombstonesCollected", tombstonesCollected,
                "segmentsPerTree", segments, "collectTombstones", collectTombstones);
    }

    /** Leaves of this node's tree of a partition (the server side of an exchange). */
    public byte[][] leaves(int partition, int segmentCount) {
        return MerkleTree.build(local.scan(partition), segmentCount).leaves();
    }

    /** This node's entries of some segments of a partition (the server side of an exchange). */
    public List<StoredEntry> entries(int partition, int segmentCount, Set<Integer> wanted) {
        return local.scan(partition).stream()
                .filter(e -> wanted.contains(MerkleTree.segmentOf(e.key(), segmentCount))).toList();
    }
}
