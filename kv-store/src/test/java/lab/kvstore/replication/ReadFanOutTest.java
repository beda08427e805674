package lab.kvstore.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lab.kvstore.membership.PeerState;
import lab.kvstore.version.CausalContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads that ask R replicas, and one more when one fails or is slow (Cassandra's speculative retry). */
class ReadFanOutTest {

    private static final long TIMEOUT_MILLIS = 10_000;
    private static final String KEY = "cart:42";

    private final Map<String, AtomicInteger> speculations = new ConcurrentHashMap<>();
    private final KvMetrics metrics = new KvMetrics() {
        @Override
        public void speculativeRead(String reason) {
            speculations.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
        }
    };
    private InMemoryCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private InMemoryCluster quorumCluster(long speculateAfterMillis) {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8,
                () -> new ReadFanOut(ReadFanOut.Mode.QUORUM, new SpeculativeReadDelay(speculateAfterMillis, speculateAfterMillis)), metrics);
        Coordinator writer = cluster.coordinators.get(cluster.replicasOf(KEY).getFirst());
        writer.write(WriteCommand.put(KEY, "milk".getBytes(StandardCharsets.UTF_8), "text/plain", CausalContext.EMPTY, 3), TIMEOUT_MILLIS);
        return cluster;
    }

    private int remoteReads() {
        return cluster.remoteReadsServed.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static String value(ReadResult result) {
        return new String(result.merged().siblings().values().iterator().next().value(), StandardCharsets.UTF_8);
    }

    @Test
    void aQuorumReadAtRTwoOnAReplicaAsksOneOtherReplicaAndSpreadsThoseReadsOverBoth() {
        quorumCluster(5_000);
        String self = cluster.replicasOf(KEY).getFirst();
        for (int i = 0; i < 10; i++) {
            assertThat(value(cluster.coordinators.get(self).read(KEY, 2, TIMEOUT_MILLIS))).isEqualTo("milk");
        }
        assertThat(remoteReads()).as("one remote replica read per read").isEqualTo(10);
        for (String other : cluster.replicasOf(KEY).subList(1, 3)) {
            assertThat(cluster.remoteReadsServed.get(other).get()).as("reads rotate over the other replicas").isEqualTo(5);
        }
        assertThat(speculations).isEmpty();
    }

    @Test
    void aReadAtRThreeAsksAllReplicasAndAReadAtROneAsksNone() {
        quorumCluster(5_000);
        Coordinator coordinator = cluster.coordinators.get(cluster.replicasOf(KEY).getFirst());
        coordinator.read(KEY, 3, TIMEOUT_MILLIS);
        assertThat(remoteReads()).isEqualTo(2);
        coordinator.read(KEY, 1, TIMEOUT_MILLIS);
        assertThat(remoteReads()).as("R=1 on a replica is its own copy").isEqualTo(2);
    }

    @Test
    void aRefusedReplicaIsReplacedAtOnceByTheNextOne() {
        quorumCluster(60_000);
        List<String> replicas = cluster.replicasOf(KEY);
        cluster.unreachable.add(replicas.get(1));
        Coordinator coordinator = cluster.coordinators.get(replicas.getFirst());
        for (int i = 0; i < 4; i++) {
            // A speculation delay of a minute would exceed the deadline: only the failure can have triggered the retry.
            assertThat(value(coordinator.read(KEY, 2, TIMEOUT_MILLIS))).isEqualTo("milk");
        }
        assertThat(cluster.remoteReadsServed.get(replicas.get(2)).get()).isEqualTo(4);
        assertThat(speculations.get("failed").get()).as("every other read asked the refused replica first").isEqualTo(2);
    }

    @Test
    void aSilentReplicaCostsTheSpeculationDelayNotTheDeadline() {
        quorumCluster(50);
        List<String> replicas = cluster.replicasOf(KEY);
        cluster.silent.add(replicas.get(1));
        cluster.silent.add(replicas.get(2));
        Coordinator coordinator = cluster.coordinators.get(replicas.getFirst());
        // Both others silent: the read asks one, then the other after the delay, and fails at the deadline.
        assertThatThrownBy(() -> coordinator.read(KEY, 2, 500))
                .isInstanceOfSatisfying(QuorumNotReachedException.class, e -> assertThat(e.timedOut()).isTrue());
        assertThat(speculations.get("slow").get()).isEqualTo(1);
        cluster.silent.remove(replicas.get(2));
        for (int i = 0; i < 4; i++) {
            assertThat(value(coordinator.read(KEY, 2, TIMEOUT_MILLIS))).isEqualTo("milk");
        }
        assertThat(speculations.get("slow").get()).as("the reads that asked the silent replica first").isEqualTo(3);
    }

    @Test
    void aStaleReplicaThatRefusesItsRepairIsReplacedByTheNextReplicaNotAFailedRead() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8,
                () -> new ReadFanOut(ReadFanOut.Mode.QUORUM, new SpeculativeReadDelay(60_000, 60_000)), metrics, true);
        List<String> replicas = cluster.replicasOf(KEY);
        String self = replicas.getFirst();
        // The write reaches self and replicas[2]; replicas[1] never gets it (silent while it is written).
        cluster.silent.add(replicas.get(1));
        cluster.coordinators.get(self).write(WriteCommand.put(KEY, "milk".getBytes(StandardCharsets.UTF_8), "text/plain",
                CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        cluster.silent.remove(replicas.get(1));
        cluster.refusingJoins.add(replicas.get(1));
        Coordinator coordinator = cluster.coordinators.get(self);
        for (int i = 0; i < 2; i++) {
            // One of the two reads asks the stale replicas[1] first: its repair is refused, so replicas[2] stands in.
            assertThat(value(coordinator.read(KEY, 2, TIMEOUT_MILLIS))).isEqualTo("milk");
        }
        assertThat(speculations.get("failed").get()).isEqualTo(1);
        assertThat(cluster.stored(replicas.get(1), KEY).siblings()).as("still stale: every repair was refused").isEmpty();
    }

    @Test
    void aReplicaTheFailureDetectorSuspectsIsAskedOnlyAfterTheLiveOnes() {
        Map<String, PeerState> states = new ConcurrentHashMap<>();
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8,
                () -> new ReadFanOut(ReadFanOut.Mode.QUORUM, new SpeculativeReadDelay(60_000, 60_000),
                        node -> states.getOrDefault(node, PeerState.ALIVE)), metrics);
        List<String> replicas = cluster.replicasOf(KEY);
        Coordinator coordinator = cluster.coordinators.get(replicas.getFirst());
        coordinator.write(WriteCommand.put(KEY, "milk".getBytes(StandardCharsets.UTF_8), "text/plain", CausalContext.EMPTY, 3),
                TIMEOUT_MILLIS);
        String suspected = replicas.get(1);
        states.put(suspected, PeerState.SUSPECT);
        cluster.silent.add(suspected);
        for (int i = 0; i < 10; i++) {
            // A minute's speculation delay exceeds the 2 s deadline: a read that asked the silent replica first would fail.
            assertThat(value(coordinator.read(KEY, 2, 2_000))).isEqualTo("milk");
        }
        assertThat(cluster.remoteReadsServed.get(replicas.get(2)).get()).as("every read asked the live replica").isEqualTo(10);
        assertThat(speculations).as("no read waited for the suspected replica").isEmpty();

        // Still asked when R needs it: the detector may be wrong.
        cluster.silent.remove(suspected);
        assertThat(value(coordinator.read(KEY, 3, TIMEOUT_MILLIS))).isEqualTo("milk");
        assertThat(cluster.remoteReadsServed.get(suspected).get()).isEqualTo(1);
    }

    @Test
    void theOrderIsSelfThenLiveThenSuspectedThenDownReplicas() {
        Map<String, PeerState> states = Map.of("kv-2", PeerState.DOWN, "kv-3", PeerState.SUSPECT, "kv-5", PeerState.UNKNOWN);
        ReadFanOut fanOut = new ReadFanOut(ReadFanOut.Mode.QUORUM, new SpeculativeReadDelay(5, 200),
                node -> states.getOrDefault(node, PeerState.ALIVE));
        List<String> replicas = List.of("kv-1", "kv-2", "kv-3", "kv-4", "kv-5");
        java.util.Set<String> askedFirstRemotely = new java.util.HashSet<>();
        for (int i = 0; i < replicas.size() - 1; i++) {
            List<String> order = fanOut.order("kv-1", replicas);
            assertThat(order.getFirst()).isEqualTo("kv-1");
            assertThat(order.subList(1, 3)).as("never heard from is no evidence against a replica")
                    .containsExactlyInAnyOrder("kv-4", "kv-5");
            assertThat(order.subList(3, 5)).containsExactly("kv-3", "kv-2");
            askedFirstRemotely.add(order.get(1));
        }
        assertThat(askedFirstRemotely).as("the live replicas still take turns").containsExactlyInAnyOrder("kv-4", "kv-5");
    }

    @Test
    void allModeAsksEveryReplica() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8, ReadFanOut::all, metrics);
        Coordinator coordinator = cluster.coordinators.get(cluster.replicasOf(KEY).getFirst());
        coordinator.read(KEY, 2, TIMEOUT_MILLIS);
        coordinator.read(KEY, 2, TIMEOUT_MILLIS);
        // The slower remote read of each may still be in flight when the read answers.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(remoteReads()).isEqualTo(4));
    }

    @Test
    void theDelayIsTheRecentP99WithinItsBounds() {
        SpeculativeReadDelay delay = new SpeculativeReadDelay(5, 200);
        assertThat(delay.delayNanos()).as("before any sample: the ceiling").isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        for (int i = 0; i < SpeculativeReadDelay.WINDOW; i++) {
            // 1 % of the reads take 40 ms, the rest 1 ms
            delay.record(TimeUnit.MILLISECONDS.toNanos(i % 100 == 0 ? 40 : 1));
        }
        assertThat(delay.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        for (int i = 0; i < SpeculativeReadDelay.WINDOW; i++) {
            delay.record(TimeUnit.MICROSECONDS.toNanos(300));
        }
        assertThat(delay.delayNanos()).as("never below the floor").isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
        for (int i = 0; i < SpeculativeReadDelay.WINDOW; i++) {
            delay.record(TimeUnit.SECONDS.toNanos(1));
        }
        assertThat(delay.delayNanos()).as("never above the ceiling").isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }
}
