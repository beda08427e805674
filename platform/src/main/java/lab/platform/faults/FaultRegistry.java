package lab.platform.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.random.RandomGenerator;
import lab.platform.identity.NodeIdentity;

/**
 * The faults active on this node, as an operator set them for a drill. Plain state with an
 * injected random source, so the filters and the inter-node client that read it can be tested
 * deterministically.
 */
public final class FaultRegistry {

    public static final String LATENCY = "latency";
    public static final String ERROR_RATE = "error-rate";
    public static final String DROP_PEERS = "drop-peers";
    public static final long MAX_LATENCY_MILLIS = 60_000;

    private final String selfNodeId;
    private final RandomGenerator random;
    private final Map<String, FaultExtension<?>> extensionsByKind = new ConcurrentHashMap<>();
    private final Set<String> droppedPeers = new CopyOnWriteArraySet<>();
    private volatile long latencyMillis;
    private volatile long latencyJitterMillis;
    private volatile double errorRate;

    public FaultRegistry(NodeIdentity identity, RandomGenerator random, Collection<FaultExtension<?>> extensions) {
        this.selfNodeId = identity.nodeId();
        this.random = random;
        for (FaultExtension<?> extension : extensions) {
            if (Set.of(LATENCY, ERROR_RATE, DROP_PEERS).contains(extension.kind())
                    || extensionsByKind.putIfAbsent(extension.kind(), extension) != null) {
                throw new IllegalStateException("two faults share the kind '" + extension.kind() + "'");
            }
        }
    }

    public void setLatency(long millis, long jitterMillis) {
        requireRange("latencyMillis", millis, 0, MAX_LATENCY_MILLIS);
        requireRange("latencyJitterMillis", jitterMillis, 0, MAX_LATENCY_MILLIS);
        this.latencyMillis = millis;
        this.latencyJitterMillis = jitterMillis;
    }

    public void setErrorRate(double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("errorRate must be between 0.0 and 1.0, got " + rate);
        }
        this.errorRate = rate;
    }

    /** Validates every name first, so a bad list changes nothing. */
    public void dropPeers(Collection<String> peers) {
        for (String peer : peers) {
            validatePeer(peer);
        }
        droppedPeers.addAll(peers);
    }

    public void validatePeer(String peer) {
        if (peer == null || !NodeIdentity.NODE_ID_PATTERN.matcher(peer).matches()) {
            throw new IllegalArgumentException("'" + peer + "' is not a node name");
        }
        if (peer.equals(selfNodeId)) {
            throw new IllegalArgumentException("a node cannot drop traffic to itself (" + peer + ")");
        }
    }

    public boolean healPeer(String peer) {
        return droppedPeers.remove(peer);
    }

    /** Extra latency for the next request: the base plus a uniform jitter, zero when inactive. */
    public Duration nextLatency() {
        long base = latencyMillis;
        long jitter = latencyJitterMillis;
        if (base == 0 && jitter == 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(base + (jitter == 0 ? 0 : random.nextLong(jitter + 1)));
    }

    /** Whether the next request should fail with an injected error. */
    public boolean nextRequestFails() {
        double rate = errorRate;
        return rate > 0.0 && (rate >= 1.0 || random.nextDouble() < rate);
    }

    public boolean isDropped(String peer) {
        return peer != null && droppedPeers.contains(peer);
    }

    public long latencyMillis() {
        return latencyMillis;
    }

    public long latencyJitterMillis() {
        return latencyJitterMillis;
    }

    public double errorRate() {
        return errorRate;
    }

    public Set<String> droppedPeers() {
        return new TreeSet<>(droppedPeers);
    }

    public Collection<FaultExtension<?>> extensions() {
        return extensionsByKind.values();
    }

    /** Every kind this node knows, platform and service ones: the tag values of {@code lab.faults.active}. */
    public List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of(LATENCY, ERROR_RATE, DROP_PEERS));
        kinds.addAll(new TreeSet<>(extensionsByKind.keySet()));
        return kinds;
    }

    /** 1 when a fault of this kind is active (for drop-peers: how many peers are dropped), else 0. */
    public double activeLevel(String kind) {
        return switch (kind) {
            case LATENCY -> latencyMillis > 0 || latencyJitterMillis > 0 ? 1 : 0;
            case ERROR_RATE -> errorRate > 0 ? 1 : 0;
            case DROP_PEERS -> droppedPeers.size();
            default -> {
                FaultExtension<?> extension = extensionsByKind.get(kind);
                yield extension != null && extension.active() ? 1 : 0;
            }
        };
    }

    public List<String> activeKinds() {
        return kinds().stream().filter(kind -> activeLevel(kind) > 0).toList();
    }

    /** Clears one kind; false when the kind is unknown. */
    public boolean clear(String kind) {
        switch (kind) {
            case LATENCY -> {
                latencyMillis = 0;
                latencyJitterMillis = 0;
            }
            case ERROR_RATE -> errorRate = 0.0;
            case DROP_PEERS -> droppedPeers.clear();
            default -> {
                FaultExtension<?> extension = extensionsByKind.get(kind);
                if (extension == null) {
                    return false;
                }
                extension.clear();
            }
        }
        return true;
    }

    public void clearAll() {
        kinds().forEach(this::clear);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
