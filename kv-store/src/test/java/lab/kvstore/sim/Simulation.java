package lab.kvstore.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.replication.ReadResult;
import lab.kvstore.replication.ReplicaCallException;
import lab.kvstore.replication.TooManySiblingsException;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.replication.WriteResult;
import lab.kvstore.ring.Ring;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.VersionedValue;

/**
 * One schedule: a seeded world, clients doing puts, gets and deletes (read-modify-writes with the
 * context they read, and blind writes) while faults happen, then healing, convergence (anti-entropy
 * and hint replay until nothing changes) and a quorum read of every key; the {@link Checker} then
 * judges the whole history. Same seed, same history, byte for byte.
 */
final class Simulation {

    /** What one seed produced. */
    record Result(long seed, SimParameters parameters, List<String> violations, String history, String historySha256,
                  int operations, long events, double simulatedSeconds, String failingKeyHistory) {

        boolean ok() {
            return violations.isEmpty();
        }
    }

    private static final long CONVERGENCE_LIMIT_MILLIS = 180_000;

    private final long seed;
    private final SimLoop loop;
    private final SimParameters parameters;
    private final SimWorld world;
    private final StringBuilder trace = new StringBuilder();
    private final List<Op> ops = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final long workloadEndNanos;

    /** @param profile null for the default worlds, "handoff" for harsher ones ({@link SimParameters#draw}) */
    Simulation(long seed, String profile) {
        this.seed = seed;
        this.loop = new SimLoop(seed);
        this.parameters = SimParameters.draw(new SplittableRandom(seed ^ 0x5DEECE66DL), profile);
        this.world = new SimWorld(loop, parameters, trace);
        for (int i = 0; i < parameters.keys(); i++) {
            keys.add("k" + i);
        }
        workloadEndNanos = TimeUnit.MILLISECONDS.toNanos(parameters.workloadMillis());
    }

    /** One seed in the worlds {@code -Dsim.profile} names (default ones when unset). */
    static Result run(long seed) {
        return run(seed, System.getProperty("sim.profile"));
    }

    static Result run(long seed, String profile) {
        return new Simulation(seed, profile).run();
    }

    Result run() {
        trace.append("seed ").append(seed).append(' ').append(parameters).append('\n');
        world.scheduleFaults();
        for (int client = 0; client < parameters.clients(); client++) {
            nextOperation(client, new LinkedHashMap<>());
        }
        loop.runTo(workloadEndNanos + TimeUnit.MILLISECONDS.toNanos(parameters.requestTimeoutMillis() * 3));
        world.heal();
        Map<String, Map<String, VersionedValue>> replicas = converge();
        finalReads();
        Checker checker = new Checker(ops, keys);
        List<String> violations = new ArrayList<>(checker.check());
        if (replicas == null) {
            Map<String, Map<String, VersionedValue>> last = replicaStates();
            Map<String, Map<String, VersionedValue>> differing = new TreeMap<>();
            last.forEach((key, byNode) -> {
                if (byNode.values().stream().distinct().count() > 1) {
                    differing.put(key, byNode);
                }
            });
            Map<String, Integer> hints = new TreeMap<>();
            world.nodes().forEach(n -> hints.put(n.id, n.hints.size()));
            violations.add("replicas did not converge within " + CONVERGENCE_LIMIT_MILLIS / 1000
                    + " simulated seconds after healing; differing: " + differing + "; hints held: " + hints);
        } else {
            violations.addAll(checker.converged(replicas));
        }
        for (Op op : ops) {
            trace.append(op).append('\n');
        }
        String history = trace.toString();
        String failingKey = violations.isEmpty() ? "" : checker.historyOf(violations, world);
        return new Result(seed, parameters, violations, history, sha256(history), ops.size(), loop.eventsRun(),
                loop.nowNanos() / 1e9, failingKey);
    }

    // ---- workload

    private void nextOperation(int client, Map<String, Op> lastReads) {
        long think = TimeUnit.MILLISECONDS.toNanos(1 + loop.random().nextLong(parameters.maxThinkMillis()));
        if (loop.nowNanos() + think > workloadEndNanos) {
            return;
        }
        loop.task(think, () -> {
            operate(client, lastReads);
            nextOperation(client, lastReads);
        });
    }

    private void operate(int client, Map<String, Op> lastReads) {
        List<String> up = world.upNodes();
        if (up.isEmpty()) {
            return;
        }
        SplittableRandom random = loop.random();
        String node = up.get(random.nextInt(up.size()));
        String key = keys.get(random.nextInt(keys.size()));
        int dice = random.nextInt(100);
        Op read = lastReads.get(key);
        if (dice < 40) {
            Op op = read(client, node, key, false);
            if (op.outcome == Op.Outcome.OK) {
                lastReads.put(key, op);
            }
        } else if (dice < 60) {
            write(client, node, key, Op.Kind.PUT, read);
        } else if (dice < 75) {
            write(client, node, key, Op.Kind.PUT, null);
        } else if (dice < 92) {
            write(client, node, key, Op.Kind.DELETE, read);
        } else {
            write(client, node, key, Op.Kind.DELETE, null);
        }
    }

    private Op read(int client, String node, String key, boolean fin) {
        Op op = new Op(ops.size(), client, node, Op.Kind.READ, key, null, loop.nowNanos(), fin);
        ops.add(op);
        try {
            ReadResult result = world.node(node).coordinator.read(key, parameters.readQuorum(), parameters.requestTimeoutMillis());
            op.read = result.merged();
            op.outcome = Op.Outcome.OK;
        } catch (QuorumNotReachedException | ReplicaCallException e) {
            op.outcome = Op.Outcome.FAIL;
            op.detail = e.getMessage();
        } catch (RuntimeException e) {
            op.outcome = Op.Outcome.ERROR;
            op.detail = e.toString();
        }
        op.endNanos = loop.nowNanos();
        return op;
    }

    private void write(int client, String node, String key, Op.Kind kind, Op contextFrom) {
        Op op = new Op(ops.size(), client, node, kind, key, contextFrom, loop.nowNanos(), false);
        ops.add(op);
        CausalContext context = op.sentContext();
        WriteCommand command = kind == Op.Kind.PUT
                ? WriteCommand.put(key, op.value().getBytes(StandardCharsets.UTF_8), "text/plain", context, parameters.writeQuorum())
                : WriteCommand.delete(key, context, parameters.writeQuorum());
        try {
            WriteResult result = world.node(node).coordinator.write(command, parameters.requestTimeoutMillis());
            op.outcome = Op.Outcome.OK;
            op.dot = mintedDot(context, result.context());
        } catch (TooManySiblingsException e) {
            op.outcome = Op.Outcome.FAIL;
            op.detail = e.getMessage();
        } catch (QuorumNotReachedException e) {
            op.outcome = e.indeterminate() ? Op.Outcome.UNKNOWN : Op.Outcome.FAIL;
            op.detail = e.getMessage();
        } catch (ReplicaCallException e) {
            op.outcome = e.kind() == ReplicaCallException.Kind.FAILED ? Op.Outcome.ERROR : Op.Outcome.UNKNOWN;
            op.detail = e.getMessage();
        } catch (RuntimeException e) {
            op.outcome = Op.Outcome.ERROR;
            op.detail = e.toString();
        }
        op.endNanos = loop.nowNanos();
    }

    /** The write's own dot: its context is the sent one plus that dot, which is above anything sent for its node. */
    static Dot mintedDot(CausalContext sent, CausalContext acknowledged) {
        for (String node : acknowledged.vector().keySet()) {
            if (acknowledged.max(node) > sent.max(node)) {
                return new Dot(node, acknowledged.max(node));
            }
        }
        for (Dot dot : acknowledged.cloud()) {
            if (dot.counter() > sent.max(dot.node())) {
                return dot;
            }
        }
        return null;
    }

    // ---- healing and the end

    /** Runs the background rounds until every replica of every key agrees and no hint is pending; null if never. */
    private Map<String, Map<String, VersionedValue>> converge() {
        long started = loop.nowNanos();
        long minimum = TimeUnit.MILLISECONDS.toNanos(parameters.hintMaxAgeMillis() + 2 * parameters.maxSkewMillis() + 3000);
        Map<String, Map<String, VersionedValue>> previous = null;
        while (loop.nowNanos() - started < TimeUnit.MILLISECONDS.toNanos(CONVERGENCE_LIMIT_MILLIS)) {
            loop.runTo(loop.nowNanos() + TimeUnit.SECONDS.toNanos(1));
            Map<String, Map<String, VersionedValue>> now = replicaStates();
            boolean hintsLeft = world.nodes().stream().anyMatch(n -> n.hints.size() > 0);
            if (!hintsLeft && now.equals(previous) && agree(now) && loop.nowNanos() - started >= minimum) {
                world.note("converged");
                return now;
            }
            previous = now;
        }
        return null;
    }

    /** key → node → what that replica of the key stores. */
    private Map<String, Map<String, VersionedValue>> replicaStates() {
        Ring ring = world.nodes().getFirst().membership.ring();
        Map<String, Map<String, VersionedValue>> states = new TreeMap<>();
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            Map<String, VersionedValue> byNode = new TreeMap<>();
            for (String node : ring.preferenceList(bytes)) {
                byNode.put(node, world.node(node).storage.read(ring.partitionOf(bytes), bytes));
            }
            states.put(key, byNode);
        }
        return states;
    }

    private static boolean agree(Map<String, Map<String, VersionedValue>> states) {
        return states.values().stream().allMatch(byNode -> byNode.values().stream().distinct().count() <= 1);
    }

    private void finalReads() {
        Ring ring = world.nodes().getFirst().membership.ring();
        for (String key : keys) {
            String node = ring.preferenceList(key.getBytes(StandardCharsets.UTF_8)).getFirst();
            loop.task(0, () -> read(-1, node, key, true));
            loop.runTo(loop.nowNanos() + TimeUnit.MILLISECONDS.toNanos(parameters.requestTimeoutMillis() * 2));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
