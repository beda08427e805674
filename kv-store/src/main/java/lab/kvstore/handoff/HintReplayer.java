package lab.kvstore.handoff;

import java.util.concurrent.TimeUnit;
import lab.kvstore.membership.PeerHealth;
import lab.kvstore.membership.PeerState;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.version.VersionedValue;
import java.nio.charset.StandardCharsets;

/**
 * Hands hints back to their owners. Each round, for every target the failure detector believes
 * alive, it sends up to {@code batchSize} of the oldest hints (the replay rate bound) as ordinary
 * replica joins, and removes each only after the target acknowledged it, so a crash mid-replay
 * replays again (a join is idempotent). The first failure stops that target's round: its next
 * hints would fail the same way. Hints past the age bound are dropped, counted, never replayed.
 */
public final class HintReplayer {

    private final HintStore store;
    private final ReplicaTransport transport;
    private final PeerHealth health;
    private final NodeRuntime runtime;
    private final KvMetrics metrics;
    private final int batchSize;

    public HintReplayer(HintStore store, ReplicaTransport transport, PeerHealth health, NodeRuntime runtime,
                        KvMetrics metrics, int batchSize) {
        this.store = store;
        this.transport = transport;
        this.health = health;
        this.runtime = runtime;
        this.metrics = metrics;
        this.batchSize = batchSize;
    }

    /** One round over every target; returns how many hints were delivered. */
    public int round(long callTimeoutMillis) {
        int delivered = 0;
        for (String target : store.pending().keySet()) {
            if (health.state(target) != PeerState.ALIVE) {
                continue;
            }
            delivered += replay(target, callTimeoutMillis);
        }
        return delivered;
    }

    private int replay(String target, long callTimeoutMillis) {
        int delivered = 0;
        for (Hint hint : store.oldest(target, batchSize)) {
            if (runtime.clock().millis() - hint.createdMillis() > store.bounds().maxAgeMillis()) {
                store.remove(hint);
                metrics.hintDropped(target, "expired");
                continue;
            }
            try {
                runtime.waiter().get(transport.apply(target, new String(hint.key(), StandardCharsets.UTF_8), hint.value(),
                        callTimeoutMillis), runtime.nanoTime() + TimeUnit.MILLISECONDS.toNanos(callTimeoutMillis + 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return delivered;
            } catch (Exception e) {
                return delivered; // still unreachable or slow: keep the hint, try next round
            }
            store.remove(hint);
            metrics.hintReplayed(target);
            delivered++;
        }
        return delivered;
    }

    /** Stores a hint here, counting it; false when the bound refused it. */
    public static boolean hold(HintStore store, KvMetrics metrics, String target, byte[] key, VersionedValue value) {
        boolean stored = store.add(target, key, value);
        if (stored) {
            metrics.hintWritten(target);
        } else {
            metrics.hintDropped(target, "full");
        }
        return stored;
    }
}
