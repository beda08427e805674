package lab.kvstore.handoff;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import lab.kvstore.membership.PeerHealth;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.ReplicaCallException;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.version.VersionedValue;

/**
 * Dynamo's sloppy quorum for one write's fan-out. A replica the failure detector believes down
 * is skipped at once; a replica whose call fails is given up on when the call fails. Either way,
 * for a request that is not {@code strict}, the write goes to the next fallback node after the
 * preference list (each fallback used once per write, so W counts distinct nodes) as a hint
 * naming the replica; the fallback's acknowledgement counts toward W. When no fallback takes it
 * (none alive, or strict), this node keeps the hint itself: it does not count toward W, but the
 * replica still gets the write when it is back, without waiting for anti-entropy.
 */
public final class SloppyQuorum {

    private final ReplicaTransport transport;
    private final PeerHealth health;
    private final HintStore localHints;
    private final KvMetrics metrics;
    private final NodeRuntime runtime;

    public SloppyQuorum(ReplicaTransport transport, PeerHealth health, HintStore localHints, KvMetrics metrics,
                        NodeRuntime runtime) {
        this.transport = transport;
        this.health = health;
        this.localHints = localHints;
        this.metrics = metrics;
        this.runtime = runtime;
    }

    /** The fallbacks of one write, handed out one per failed replica. */
    public final class Write {
        private final List<String> fallbacks;
        private final Set<String> claimed = new HashSet<>();
        private final boolean strict;
        private final String key;
        private final byte[] keyBytes;
        private final VersionedValue delta;
        private final long deadlineNanos;

        private Write(List<String> fallbacks, boolean strict, String key, byte[] keyBytes, VersionedValue delta, long deadlineNanos) {
            this.fallbacks = fallbacks;
            this.strict = strict;
            this.key = key;
            this.keyBytes = keyBytes;
            this.delta = delta;
            this.deadlineNanos = deadlineNanos;
        }

        /** Sends the write to one replica; completes normally when it (or, if sloppy, a fallback for it) holds it. */
        public CompletableFuture<Void> replicate(String replica) {
            CompletableFuture<Void> direct = !strict && health.isDown(replica)
                    ? CompletableFuture.failedFuture(new ReplicaCallException(replica, ReplicaCallException.Kind.UNREACHABLE,
                            replica + " is down according to the failure detector", null))
                    : transport.apply(replica, key, delta, remainingMillis());
            return direct.exceptionallyCompose(failure -> {
                String fallback = strict ? null : claimFallback();
                if (fallback == null) {
                    return holdHere(replica, failure);
                }
                return transport.hint(fallback, replica, key, delta, remainingMillis())
                        .exceptionallyCompose(fallbackFailure -> holdHere(replica, failure));
            });
        }

        private synchronized String claimFallback() {
            for (String candidate : fallbacks) {
                if (!claimed.contains(candidate) && !health.isDown(candidate)) {
                    claimed.add(candidate);
                    return candidate;
                }
            }
            return null;
        }

        /** Keeps a hint on this node; the replica's original failure still stands toward W. */
        private CompletableFuture<Void> holdHere(String replica, Throwable failure) {
            HintReplayer.hold(localHints, metrics, replica, keyBytes, delta);
            return CompletableFuture.failedFuture(failure);
        }

        private long remainingMillis() {
            return runtime.remainingMillis(deadlineNanos);
        }
    }

    public Write write(List<String> fallbacks, boolean strict, String key, byte[] keyBytes, VersionedValue delta,
                       long deadlineNanos) {
        return new Write(fallbacks, strict, key, keyBytes, delta, deadlineNanos);
    }
}
