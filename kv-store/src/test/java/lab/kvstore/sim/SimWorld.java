package lab.kvstore.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.replication.ReplicaCallException;
import lab.kvstore.replication.TooManySiblingsException;
import lab.platform.internode.Peer;

/**
 * The simulated cluster: its nodes, the network between them and the faults. The network gives
 * every message a delay drawn from the seed (now and then a slow one, so messages overtake each
 * other), drops and duplicates messages, cuts the cluster in two for a while, and refuses
 * connections to a crashed node; a request or answer that is lost leaves the caller to its own
 * deadline. Clocks are skewed per node (and drawn again when a node restarts).
 */
final class SimWorld {

    /** How a request may be delivered. */
    enum Delivery {
        /** A join, read, hint or gossip: the receiver handles it inline; the network may duplicate it. */
        IDEMPOTENT,
        /**
         * A forwarded write: never duplicated (it mints a dot). It waits for its own quorum inside
         * the waiting origin's event loop (re-entrantly), as the receiving node's request thread would.
         */
        ONCE
    }

    private final SimLoop loop;
    private final SimParameters parameters;
    private final Map<String, SimNode> nodes = new TreeMap<>();
    private final List<Peer> seeds = new ArrayList<>();
    private final StringBuilder trace;
    private Set<String> partitionSide = Set.of();
    private boolean faultsOn = true;

    SimWorld(SimLoop loop, SimParameters parameters, StringBuilder trace) {
        this.loop = loop;
        this.parameters = parameters;
        this.trace = trace;
        for (int i = 1; i <= parameters.nodes(); i++) {
            seeds.add(SimNode.peer("kv-" + i));
        }
        for (Peer peer : seeds) {
            SimNode node = new SimNode(peer.nodeId(), this, drawSkewNanos());
            nodes.put(node.id, node);
        }
        nodes.values().forEach(this::start);
    }

    SimLoop loop() {
        return loop;
    }

    SimParameters parameters() {
        return parameters;
    }

    SimNode node(String id) {
        return nodes.get(id);
    }

    List<SimNode> nodes() {
        return List.copyOf(nodes.values());
    }

    List<String> upNodes() {
        return nodes.values().stream().filter(SimNode::up).map(n -> n.id).toList();
    }

    void note(String line) {
        trace.append(String.format("%9.3f ", loop.nowNanos() / 1e9)).append(line).append('\n');
    }

    private long drawSkewNanos() {
        long max = parameters.maxSkewMillis();
        return max == 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(loop.random().nextLong(-max, max + 1));
    }

    // ---- processes

    private void start(SimNode node) {
        node.start(seeds);
        note(node.id + " starts (clock skew " + node.skewMillis() + " ms)");
        int incarnation = node.incarnation();
        every(node, incarnation, parameters.gossipIntervalMillis(), () -> node.gossiper.round(parameters.gossipIntervalMillis() * 2));
        every(node, incarnation, parameters.hintReplayIntervalMillis(), () -> node.replayer.round(parameters.requestTimeoutMillis()));
        every(node, incarnation, parameters.antiEntropyIntervalMillis(), () -> node.antiEntropy.round(parameters.requestTimeoutMillis()));
    }

    /** A background round of one process, on a fixed delay with a little jitter, until the process dies. */
    private void every(SimNode node, int incarnation, long intervalMillis, Runnable round) {
        long delay = TimeUnit.MILLISECONDS.toNanos(intervalMillis) + loop.random().nextLong(TimeUnit.MILLISECONDS.toNanos(intervalMillis) / 4 + 1);
        loop.task(delay, () -> {
            if (node.incarnation() != incarnation) {
                return;
            }
            try {
                round.run();
            } catch (RuntimeException e) {
                // As ResilienceConfiguration's guarded rounds: logged, and the next round runs.
                note(node.id + " round failed: " + e);
            }
            every(node, incarnation, intervalMillis, round);
        });
    }

    void crash(String id) {
        SimNode node = nodes.get(id);
        if (node.up()) {
            node.crash();
            note(id + " crashes");
        }
    }

    void restart(String id) {
        restart(id, drawSkewNanos());
    }

    /** Restarts a crashed node with its clock now skewed by {@code skewNanos} (an NTP step after a reboot, say). */
    void restart(String id, long skewNanos) {
        SimNode node = nodes.get(id);
        if (!node.up()) {
            node.skew(skewNanos);
            node.hints.clock(node::millis);
            start(node);
        }
    }

    void partition(Set<String> side) {
        partitionSide = Set.copyOf(side);
        note("partition " + new java.util.TreeSet<>(side) + " | the rest");
    }

    void heal() {
        partitionSide = Set.of();
        faultsOn = false;
        note("network healed: no partitions, drops or duplicates from now on");
        for (SimNode node : nodes.values()) {
            restart(node.id);
        }
    }

    /** Schedules the seed's crashes and partitions within the workload period. */
    void scheduleFaults() {
        SplittableRandom random = loop.random();
        long period = TimeUnit.MILLISECONDS.toNanos(parameters.workloadMillis());
        for (int i = 0; i < parameters.crashes(); i++) {
            String id = "kv-" + (1 + random.nextInt(parameters.nodes()));
            long at = random.nextLong(period);
            long downFor = TimeUnit.MILLISECONDS.toNanos(200 + random.nextLong(5000));
            loop.task(at, () -> {
                if (faultsOn && upNodes().size() > 1) {
                    crash(id);
                    loop.task(downFor, () -> restart(id));
                }
            });
        }
        for (int i = 0; i < parameters.partitionFaults(); i++) {
            long at = random.nextLong(period);
            long lasts = TimeUnit.MILLISECONDS.toNanos(200 + random.nextLong(5000));
            Set<String> side = new HashSet<>();
            int size = 1 + random.nextInt(parameters.nodes() / 2);
            while (side.size() < size) {
                side.add("kv-" + (1 + random.nextInt(parameters.nodes())));
            }
            loop.task(at, () -> {
                if (faultsOn) {
                    partition(side);
                    loop.task(lasts, () -> {
                        if (faultsOn) {
                            partitionSide = Set.of();
                            note("partition healed");
                        }
                    });
                }
            });
        }
    }

    // ---- network

    private boolean cut(String a, String b) {
        return partitionSide.contains(a) != partitionSide.contains(b);
    }

    private long delayNanos() {
        SplittableRandom random = loop.random();
        long micros = 200 + random.nextLong(3000);
        if (faultsOn && random.nextDouble() < parameters.slowRate()) {
            micros += random.nextLong(800_000);
        }
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    private boolean lost() {
        return faultsOn && loop.random().nextDouble() < parameters.dropRate();
    }

    /**
     * One request from {@code from} to {@code to} and its answer. The caller's future fails with
     * UNREACHABLE when the receiver is down (connection refused), with TIMEOUT when nothing came
     * back by {@code timeoutMillis}; an exception of the receiver's handler comes back as FAILED
     * (a 4xx/5xx), except a forwarded write's own quorum and sibling errors, which the HTTP
     * transport hands back as they are. A crashed caller never sees the answer.
     */
    <T> CompletableFuture<T> call(String from, String to, String what, long timeoutMillis, Delivery delivery,
                                  Function<SimNode, T> handler) {
        SimNode source = nodes.get(from);
        int sourceIncarnation = source.incarnation();
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.message(TimeUnit.MILLISECONDS.toNanos(timeoutMillis), () -> {
            if (source.incarnation() == sourceIncarnation) {
                answer.completeExceptionally(new ReplicaCallException(to, ReplicaCallException.Kind.TIMEOUT, what + ": no answer in time", null));
            }
        });
        SimNode target = nodes.get(to);
        if (!target.up()) {
            loop.message(delayNanos(), () -> {
                if (source.incarnation() == sourceIncarnation) {
                    answer.completeExceptionally(new ReplicaCallException(to, ReplicaCallException.Kind.UNREACHABLE, what + ": connection refused", null));
                }
            });
            return answer;
        }
        int targetIncarnation = target.incarnation();
        Runnable deliver = () -> {
            if (target.incarnation() != targetIncarnation || cut(from, to)) {
                return; // the process that was to get it died, or the link went down meanwhile
            }
            T value = null;
            RuntimeException failure = null;
            try {
                value = handler.apply(target);
            } catch (QuorumNotReachedException | TooManySiblingsException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new ReplicaCallException(to, ReplicaCallException.Kind.FAILED, what + ": " + e, e);
            }
            if (cut(from, to) || lost()) {
                return;
            }
            T result = value;
            RuntimeException error = failure;
            loop.message(delayNanos(), () -> {
                if (source.incarnation() != sourceIncarnation) {
                    return;
                }
                if (error == null) {
                    answer.complete(result);
                } else {
                    answer.completeExceptionally(error);
                }
            });
        };
        if (cut(from, to) || lost()) {
            return answer;
        }
        loop.message(delayNanos(), deliver);
        if (delivery == Delivery.IDEMPOTENT && faultsOn && loop.random().nextDouble() < parameters.duplicateRate()) {
            loop.message(delayNanos(), deliver);
        }
        return answer;
    }
}
