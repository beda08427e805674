package lab.kvstore.sim;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import lab.kvstore.antientropy.AntiEntropy;
import lab.kvstore.handoff.HintBounds;
import lab.kvstore.handoff.HintReplayer;
import lab.kvstore.handoff.SloppyQuorum;
import lab.kvstore.membership.GossipRules;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.membership.Heartbeat;
import lab.kvstore.membership.PhiAccrualDetector;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.replication.Coordinator;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.ReadFanOut;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.SpeculativeReadDelay;
import lab.kvstore.ring.Membership;
import lab.kvstore.runtime.NodeClock;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.runtime.Waiter;
import lab.kvstore.storage.InMemoryStorage;
import lab.platform.internode.Peer;

/**
 * One simulated kv-store node: the production classes (Replica, Coordinator, ReadRepair,
 * SloppyQuorum, HintReplayer, Gossiper, PhiAccrualDetector, AntiEntropy) wired as the Spring shell
 * wires them, but on a simulated clock, a simulated network and a waiter that runs the event loop.
 *
 * <p>Durable state (the replica storage and the hint store; RocksDbStorage and RocksDbHintStore
 * sync every write before returning, so their models keep everything written) survives a crash;
 * everything else is rebuilt on restart, as a new process would.
 */
final class SimNode {

    static final long EPOCH_MILLIS = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();

    final String id;
    private final SimWorld world;
    final InMemoryStorage storage = new InMemoryStorage();
    final SimHintStore hints;
    private long skewNanos;
    /** The last gossip generation, durable as GenerationFile keeps it. */
    private long generation = Long.MIN_VALUE + 1;
    private int incarnation;
    private boolean up;

    Membership membership;
    Replica replica;
    Coordinator coordinator;
    PhiAccrualDetector detector;
    Gossiper gossiper;
    HintReplayer replayer;
    AntiEntropy antiEntropy;
    NodeRuntime runtime;

    SimNode(String id, SimWorld world, long skewNanos) {
        this.id = id;
        this.world = world;
        this.skewNanos = skewNanos;
        SimParameters p = world.parameters();
        this.hints = new SimHintStore(new HintBounds(100_000, 1L << 28, p.hintMaxAgeMillis()), this::millis);
    }

    long millis() {
        return EPOCH_MILLIS + Math.floorDiv(world.loop().nowNanos() + skewNanos, 1_000_000);
    }

    long nanoTime() {
        return world.loop().nowNanos() + skewNanos;
    }

    long skewMillis() {
        return skewNanos / 1_000_000;
    }

    boolean up() {
        return up;
    }

    int incarnation() {
        return incarnation;
    }

    void skew(long nanos) {
        this.skewNanos = nanos;
    }

    /** Starts a fresh process over the durable state. */
    void start(List<Peer> seeds) {
        SimParameters p = world.parameters();
        incarnation++;
        up = true;
        NodeClock clock = new NodeClock() {
            @Override
            public long nanoTime() {
                return SimNode.this.nanoTime();
            }

            @Override
            public long millis() {
                return SimNode.this.millis();
            }
        };
        runtime = new NodeRuntime(clock, new LoopWaiter());
        SimTransport transport = new SimTransport(world, id);
        membership = new Membership(id, seeds, p.partitions(), p.tokensPerNode(), p.replicationFactor());
        replica = new Replica(id, storage, new SimClock(), p.maxSiblings(), KvMetrics.NONE);
        detector = new PhiAccrualDetector(clock::millis, 100, p.gossipIntervalMillis(), 5, 8);
        generation = Heartbeat.nextGeneration(generation, clock.millis());
        gossiper = new Gossiper(membership, new GossipRules(membership, () -> clock.millis()), 2, transport, detector, generation,
                new Random(world.loop().random().nextLong()));
        SloppyQuorum sloppy = new SloppyQuorum(transport, detector, hints, KvMetrics.NONE, runtime);
        ReadRepair readRepair = new ReadRepair(id, replica, transport, KvMetrics.NONE, true, runtime);
        ReadFanOut fanOut = new ReadFanOut(ReadFanOut.Mode.QUORUM, new SpeculativeReadDelay(5, 200), detector);
        coordinator = new Coordinator(id, membership::view, replica, transport, KvMetrics.NONE, sloppy, readRepair, fanOut, runtime);
        replayer = new HintReplayer(hints, transport, detector, runtime, KvMetrics.NONE, 200);
        antiEntropy = new AntiEntropy(id, membership::ring, replica, transport, KvMetrics.NONE, clock::millis, 16,
                p.hintMaxAgeMillis(), true);
    }

    void crash() {
        up = false;
        incarnation++;
        membership = null;
        replica = null;
        coordinator = null;
        detector = null;
        gossiper = null;
        replayer = null;
        antiEntropy = null;
        runtime = null;
    }

    /** Waits by running the simulator's messages until the answer is there or the deadline (this node's clock) passed. */
    private final class LoopWaiter implements Waiter {
        @Override
        public <T> T poll(BlockingQueue<T> queue, long untilNanos) {
            world.loop().runUntil(() -> !queue.isEmpty(), untilNanos - skewNanos);
            return queue.poll();
        }

        @Override
        public <T> T get(Future<T> future, long untilNanos) throws InterruptedException, ExecutionException, TimeoutException {
            world.loop().runUntil(future::isDone, untilNanos - skewNanos);
            if (!future.isDone()) {
                throw new TimeoutException("no answer before the deadline");
            }
            return future.get();
        }
    }

    /** The node's wall clock as java.time sees it. */
    private final class SimClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return SimNode.this.millis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }

    static Peer peer(String id) {
        return new Peer(id, URI.create("http://" + id + ".sim:80"));
    }
}
