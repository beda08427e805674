package lab.kvstore.replication;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import lab.kvstore.handoff.SloppyQuorum;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.ring.Ring;
import lab.kvstore.ring.RingView;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.version.VersionedValue;

/**
 * Runs a client request against the key's preference list, as Dynamo's request coordinator:
 * any node takes a read; a write is coordinated by a replica of the key (forwarded to the first
 * reachable one when this node is not a replica), which mints the write's dot, stores it, then
 * sends it to the other replicas in parallel and answers once W replicas hold it.
 *
 * <p>Writes that are not {@code strict} use a sloppy quorum ({@link SloppyQuorum}): a hint held by
 * a fallback node for a down replica counts toward W. Reads count only the key's own replicas and
 * repair the ones that answered stale ({@link ReadRepair}).
 */
public final class Coordinator {

    private static final long LATE_REPAIR_TIMEOUT_MILLIS = 2000;

    private final String self;
    private final Supplier<RingView> ring;
    private final Replica local;
    private final ReplicaTransport transport;
    private final KvMetrics metrics;
    private final SloppyQuorum sloppyQuorum;
    private final ReadRepair readRepair;
    private final ReadFanOut readFanOut;
    private final NodeRuntime runtime;

    /** Part 1's coordinator: strict quorums, no hints, no read repair. */
    public Coordinator(String self, Supplier<Ring> ring, Replica local, ReplicaTransport transport, KvMetrics metrics) {
        this(self, () -> RingView.stable(ring.get()), local, transport, metrics, null,
                new ReadRepair(self, local, transport, metrics, false, NodeRuntime.SYSTEM), ReadFanOut.all(), NodeRuntime.SYSTEM);
    }

    /** @param sloppyQuorum null for strict quorums whatever the request says */
    public Coordinator(String self, Supplier<RingView> ring, Replica local, ReplicaTransport transport, KvMetrics metrics,
                       SloppyQuorum sloppyQuorum, ReadRepair readRepair, ReadFanOut readFanOut, NodeRuntime runtime) {
        this.self = self;
        this.ring = ring;
        this.local = local;
        this.transport = transport;
        this.metrics = metrics;
        this.sloppyQuorum = sloppyQuorum;
        this.readRepair = readRepair;
        this.readFanOut = readFanOut;
        this.runtime = runtime;
    }

    /**
     * Asks the key's replicas as {@link ReadFanOut} says (R of them, then one more when one fails
     * or is slow; or all N) and answers with the join of the first R answers.
     */
    public ReadResult read(String key, int readQuorum, long timeoutMillis) {
        long start = runtime.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Ring current = ring.get().current();
        int partition = current.partitionOf(keyBytes);
        List<String> replicas = current.preferenceList(partition);
        requireQuorumInRange("r", readQuorum, replicas.size());
        QuorumWait<VersionedValue> wait = new QuorumWait<>(runtime);
        Map<String, CompletableFuture<VersionedValue>> calls = new LinkedHashMap<>();
        List<String> order = readFanOut.order(self, replicas);
        List<String> first = order.subList(0, readFanOut.initialAsks(readQuorum, order.size()));
        // Remote calls go out before the local read, so the hop and the local lookup overlap.
        for (String node : first) {
            if (!node.equals(self)) {
                askReplica(node, key, deadline, wait, calls);
            }
        }
        if (first.contains(self)) {
            long localStart = runtime.nanoTime();
            VersionedValue value = local.read(partition, keyBytes);
            metrics.replicaCall(self, "get", true, runtime.nanoTime() - localStart);
            wait.addAnswered(self, value);
        }
        QuorumWait.Outcome<VersionedValue> outcome;
        VersionedValue merged;
        while (true) {
            outcome = awaitReadQuorum(key, readQuorum, deadline, order, wait, calls);
            if (outcome.answers().size() < readQuorum) {
                metrics.operation("get", outcome.timedOut() ? "timeout" : "quorum-not-reached", runtime.nanoTime() - start);
                throw new QuorumNotReachedException("get", readQuorum, outcome.answers().size(), 0, false, outcome.timedOut(),
                        replicas, outcome.failures());
            }
            merged = VersionedValue.EMPTY;
            for (VersionedValue answer : outcome.answers().values()) {
                merged = merged.join(answer);
            }
            List<String> unrepaired = readRepair.repairQuorum(partition, key, keyBytes, outcome.answers(), merged, deadline);
            if (unrepaired.isEmpty()) {
                break;
            }
            // A replica of the quorum could not be brought up to date (it refused, or was too slow), so it cannot
            // count toward R: answering would let a later quorum of it and another stale replica read an older value.
            unrepaired.forEach(node -> wait.fail(node, "answered stale and could not be repaired before the deadline"));
            if (wait.asked() >= order.size() || runtime.nanoTime() - deadline >= 0) {
                metrics.operation("get", "timeout", runtime.nanoTime() - start);
                QuorumWait.Outcome<VersionedValue> now = wait.snapshot(true);
                throw new QuorumNotReachedException("get", readQuorum, now.answers().size(), 0, false, true, replicas, now.failures());
            }
            metrics.speculativeRead("failed");
            askReplica(order.get(wait.asked()), key, deadline, wait, calls);
        }
        VersionedValue quorumValue = merged;
        Map<String, VersionedValue> quorumAnswers = outcome.answers();
        calls.forEach((node, call) -> {
            if (!quorumAnswers.containsKey(node)) {
                call.thenAccept(late -> readRepair.repairLate(partition, key, keyBytes, node, late, quorumValue,
                        LATE_REPAIR_TIMEOUT_MILLIS));
            }
        });
        metrics.siblingsRead(merged.siblings().size());
        metrics.operation("get", "ok", runtime.nanoTime() - start);
        return new ReadResult(merged, Map.copyOf(quorumAnswers));
    }

    /** Waits for R answers, asking the next replica whenever one fails or is slower than reads usually are. */
    private QuorumWait.Outcome<VersionedValue> awaitReadQuorum(String key, int readQuorum, long deadline, List<String> order,
                                                               QuorumWait<VersionedValue> wait,
                                                               Map<String, CompletableFuture<VersionedValue>> calls) {
        while (true) {
            boolean spare = wait.asked() < order.size();
            long until = spare ? Math.min(deadline, runtime.nanoTime() + readFanOut.speculateAfterNanos()) : deadline;
            QuorumWait.Outcome<VersionedValue> outcome = wait.await(readQuorum, until);
            if (outcome.answers().size() >= readQuorum || !spare || runtime.nanoTime() - deadline >= 0) {
                return outcome;
            }
            // Speculative retry, as Cassandra's: one more replica, and whichever R answer first are the quorum.
            metrics.speculativeRead(outcome.timedOut() ? "slow" : "failed");
            askReplica(order.get(wait.asked()), key, deadline, wait, calls);
        }
    }

    private void askReplica(String node, String key, long deadline, QuorumWait<VersionedValue> wait,
                            Map<String, CompletableFuture<VersionedValue>> calls) {
        long sent = runtime.nanoTime();
        CompletableFuture<VersionedValue> call = timed(node, "get", transport.read(node, key, remainingMillis(deadline)))
                .whenComplete((value, failure) -> {
                    if (failure == null) {
                        readFanOut.remoteReadTook(runtime.nanoTime() - sent);
                    }
                });
        calls.put(node, call);
        wait.add(node, call);
    }

    /** Puts or deletes; acknowledged once W of the key's replicas stored it durably. */
    public WriteResult write(WriteCommand command, long timeoutMillis) {
        long start = runtime.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        byte[] keyBytes = command.key().getBytes(StandardCharsets.UTF_8);
        RingView view = ring.get();
        int partition = view.current().partitionOf(keyBytes);
        List<String> replicas = view.current().preferenceList(partition);
        requireQuorumInRange("w", command.writeQuorum(), replicas.size());
        String outcome = "error";
        try {
            WriteResult result = replicas.contains(self)
                    ? coordinate(command, partition, keyBytes, view, deadline)
                    : forward(command, replicas, deadline);
            outcome = "ok";
            return result;
        } catch (QuorumNotReachedException e) {
            outcome = e.timedOut() ? "timeout" : "quorum-not-reached";
            throw e;
        } catch (TooManySiblingsException e) {
            outcome = "too-many-siblings";
            throw e;
        } finally {
            metrics.operation(command.type(), outcome, runtime.nanoTime() - start);
        }
    }

    /**
     * Stores the write here, then sends it to the rest of the write set. While a node joins or
     * leaves, the write set is the current and the next preference list together, and the write
     * is acknowledged only once W nodes of each hold it: whichever list reads use when the move
     * completes, a read quorum meets it.
     */
    private WriteResult coordinate(WriteCommand command, int partition, byte[] keyBytes, RingView view, long deadline) {
        long localStart = runtime.nanoTime();
        VersionedValue delta = local.coordinateWrite(partition, keyBytes, command);
        metrics.replicaCall(self, command.type(), true, runtime.nanoTime() - localStart);
        QuorumWait<Void> wait = new QuorumWait<>(runtime);
        wait.addAnswered(self, null);
        SloppyQuorum.Write fanOut = sloppyQuorum == null ? null : sloppyQuorum.write(view.fallbacks(partition),
                command.strict(), command.key(), keyBytes, delta, deadline);
        List<String> writeSet = view.writeSet(partition);
        for (String node : writeSet) {
            if (!node.equals(self)) {
                CompletableFuture<Void> call = fanOut == null
                        ? transport.apply(node, command.key(), delta, remainingMillis(deadline))
                        : fanOut.replicate(node);
                wait.add(node, timed(node, command.type(), call));
            }
        }
        List<List<String>> quorumSets = view.writeQuorumSets(partition);
        QuorumWait.Outcome<Void> outcome = wait.awaitEach(quorumSets, command.writeQuorum(), deadline);
        int acknowledged = (int) quorumSets.stream()
                .mapToLong(set -> set.stream().filter(outcome.answers()::containsKey).count()).min().orElse(0);
        if (acknowledged < command.writeQuorum()) {
            // This node stored the write before fanning out, so a failed write is always indeterminate here.
            throw new QuorumNotReachedException(command.type(), command.writeQuorum(), acknowledged,
                    outcome.answers().size(), true, outcome.timedOut(), writeSet, outcome.failures());
        }
        return new WriteResult(delta.context(), self, acknowledged);
    }

    /**
     * Hands the write to a replica of the key. Only a replica that certainly never received the
     * request (unreachable) is skipped for the next one: after a timeout the first may have
     * minted a dot, and sending the write again elsewhere would store it twice as two siblings.
     */
    private WriteResult forward(WriteCommand command, List<String> replicas, long deadline) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String node : replicas) {
            long remaining = remainingMillis(deadline);
            try {
                return runtime.waiter().get(timed(node, "forward", transport.forwardWrite(node, command, remaining)), deadline);
            } catch (TimeoutException e) {
                failures.put(node, "no answer before the deadline");
                throw indeterminateForward(command, replicas, failures, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw indeterminateForward(command, replicas, failures, true);
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof ReplicaCallException call && call.kind() == ReplicaCallException.Kind.UNREACHABLE) {
                    failures.put(node, call.getMessage());
                    continue;
                }
                if (cause instanceof ReplicaCallException call && call.kind() == ReplicaCallException.Kind.TIMEOUT) {
                    failures.put(node, call.getMessage());
                    throw indeterminateForward(command, replicas, failures, true);
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(cause);
            }
        }
        throw new QuorumNotReachedException(command.type(), command.writeQuorum(), 0, 0, false, false, replicas, failures);
    }

    /** The replica we forwarded to may have stored the write before we stopped waiting: say so. */
    private static QuorumNotReachedException indeterminateForward(WriteCommand command, List<String> replicas,
                                                                  Map<String, String> failures, boolean timedOut) {
        return new QuorumNotReachedException(command.type(), command.writeQuorum(), 0, 0, true, timedOut, replicas, failures);
    }

    private <T> CompletableFuture<T> timed(String node, String type, CompletableFuture<T> call) {
        long start = runtime.nanoTime();
        return call.whenComplete((value, failure) -> metrics.replicaCall(node, type, failure == null, runtime.nanoTime() - start));
    }

    private long remainingMillis(long deadlineNanos) {
        return runtime.remainingMillis(deadlineNanos);
    }

    private static void requireQuorumInRange(String name, int quorum, int replicas) {
        if (quorum < 1 || quorum > replicas) {
            throw new IllegalArgumentException(name + "=" + quorum + " is outside 1.." + replicas
                    + " (the key has " + replicas + " replicas)");
        }
    }

    /** Replicas of a key, for the operator API. */
    public List<String> replicasOf(String key) {
        return new ArrayList<>(ring.get().current().preferenceList(key.getBytes(StandardCharsets.UTF_8)));
    }
}
