package lab.kvstore.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import lab.kvstore.replication.QuorumNotReachedException;
import lab.kvstore.ring.MemberStatus;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.Ring;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;

/**
 * Join and leave driven to the end in one JVM, synchronously, with client writes interleaved
 * with the partition streams: the invariant is that every acknowledged write ends on at least
 * W=2 of its key's final N=3 owners and reads back, and that every node ends with the same ring.
 */
class RingChangeTest {

    private static final List<String> SEEDS = List.of("kv-1", "kv-2", "kv-3");
    private final Map<String, String> acknowledged = new LinkedHashMap<>();

    private void write(InMemoryRing ring, String via, String key, String value) {
        ring.write(via, key, value);
        acknowledged.put(key, value);
    }

    @Test
    void aJoinDuringWritesMovesEveryPartitionAndLosesNothing() {
        InMemoryRing ring = new InMemoryRing(SEEDS, List.of("kv-4"));
        // Some writes miss one replica, so a stream from a single replica would lose them.
        for (int i = 0; i < 200; i++) {
            if (i % 3 == 0) {
                ring.down.add(SEEDS.get(i % 9 / 3));
            }
            write(ring, SEEDS.get(i % 3), "before-" + i, "v" + i);
            ring.down.clear();
        }
        AtomicInteger during = new AtomicInteger();
        ring.onFetch = () -> {
            int i = during.getAndIncrement();
            if (i % 4 == 0) {
                write(ring, SEEDS.get(i % 3), "during-" + i, "d" + i);
                write(ring, "kv-4", "before-" + (i % 200), "rewritten-" + i);
            }
        };

        RingChange join = ring.driver("kv-4", 1_000_000);
        assertThat(join.requestJoin().status()).isEqualTo(MemberStatus.JOINING);
        join.run();
        ring.onFetch = () -> { };

        assertThat(join.phase()).isEqualTo(RingChange.Phase.DONE);
        assertThat(during.get()).as("writes interleaved with the stream").isGreaterThan(20);
        ring.gossipUntilConverged();
        assertConvergedRing(ring, List.of("kv-1", "kv-2", "kv-3", "kv-4"));
        assertThat(join.progress().partitionsPending()).isZero();
        assertThat(join.progress().partitionsDone()).isEqualTo(join.progress().moves().size()).isGreaterThan(0);
        assertEveryWriteOnAQuorumOfItsOwners(ring);
    }

    @Test
    void aLeaveHandsItsPartitionsToTheNextOwnersAndLosesNothing() {
        InMemoryRing ring = new InMemoryRing(List.of("kv-1", "kv-2", "kv-3", "kv-4"), List.of());
        for (int i = 0; i < 200; i++) {
            write(ring, "kv-" + (1 + i % 4), "k-" + i, "v" + i);
        }
        AtomicInteger during = new AtomicInteger();
        ring.onFetch = () -> {
            int i = during.getAndIncrement();
            if (i % 4 == 0) {
                write(ring, "kv-" + (1 + i % 4), "k-" + (i % 200), "during-" + i);
            }
        };
        RingChange leave = ring.driver("kv-2", 1_000_000);
        leave.requestLeave();
        leave.run();
        ring.onFetch = () -> { };

        assertThat(leave.phase()).isEqualTo(RingChange.Phase.DONE);
        ring.gossipUntilConverged();
        assertConvergedRing(ring, List.of("kv-1", "kv-3", "kv-4"));
        assertThat(ring.memberships.get("kv-1").status("kv-2")).contains(MemberStatus.LEFT);
        assertEveryWriteOnAQuorumOfItsOwners(ring);
    }

    @Test
    void whileANodeJoinsAWriteNeedsAQuorumOfTheNextOwnersToo() {
        InMemoryRing ring = new InMemoryRing(SEEDS, List.of("kv-4"));
        RingChange join = ring.driver("kv-4", 1_000_000);
        join.requestJoin();
        ring.gossipUntilConverged();
        Membership kv1 = ring.memberships.get("kv-1");
        assertThat(kv1.view().changing()).isTrue();
        // A key kv-4 will own: its current owners are the seeds, its next owners include kv-4.
        String key = keyGainedBy(kv1, "kv-4");
        int partition = kv1.ring().partitionOf(key.getBytes(StandardCharsets.UTF_8));
        List<String> next = kv1.view().next().preferenceList(partition);
        String coordinator = kv1.ring().preferenceList(partition).getFirst();
        String keptOwner = next.stream().filter(n -> !n.equals("kv-4") && !n.equals(coordinator)).findFirst().orElseThrow();
        ring.down.add("kv-4");
        ring.down.add(keptOwner);
        // Two current owners (the coordinator and the displaced one) answer, but only one next owner: not acknowledged.
        assertThatThrownBy(() -> ring.write(coordinator, key, "x")).isInstanceOf(QuorumNotReachedException.class);
        ring.down.remove(keptOwner);
        assertThat(ring.write(coordinator, key, "y").acks()).isEqualTo(2);
    }

    @Test
    void changesAreRefusedWhenTheyWouldBreakTheRing() {
        InMemoryRing ring = new InMemoryRing(SEEDS, List.of("kv-4", "kv-5"));
        assertThatThrownBy(() -> ring.driver("kv-1", 1000).requestLeave())
                .isInstanceOf(RingChangeRefusedException.class).hasMessageContaining("fewer than N=3");
        assertThatThrownBy(() -> ring.driver("kv-2", 1000).requestJoin())
                .isInstanceOf(RingChangeRefusedException.class).hasMessageContaining("already NORMAL");
        ring.driver("kv-4", 1000).requestJoin();
        ring.gossipUntilConverged();
        assertThatThrownBy(() -> ring.driver("kv-5", 1000).requestJoin())
                .isInstanceOf(RingChangeRefusedException.class).hasMessageContaining("one change at a time");
        ring.down.addAll(SEEDS);
        ring.down.add("kv-4");
        assertThatThrownBy(() -> ring.driver("kv-5", 1000).requestJoin())
                .isInstanceOf(RingChangeRefusedException.class).hasMessageContaining("no member answered");
    }

    @Test
    void twoJoinsStartedAtOnceDoNotBothProceed() {
        InMemoryRing ring = new InMemoryRing(SEEDS, List.of("kv-4", "kv-5"));
        for (int i = 0; i < 100; i++) {
            write(ring, SEEDS.get(i % 3), "k-" + i, "v" + i);
        }
        RingChange first = ring.driver("kv-4", 1_000_000);
        RingChange second = ring.driver("kv-5", 1_000_000);
        first.requestJoin();
        second.requestJoin(); // neither has heard of the other yet
        ring.gossipUntilConverged();

        second.run();
        assertThat(second.phase()).isEqualTo(RingChange.Phase.ABORTED);
        assertThat(second.lastError()).contains("kv-4");
        first.run();
        assertThat(first.phase()).isEqualTo(RingChange.Phase.DONE);
        ring.gossipUntilConverged();
        assertThat(ring.memberships.get("kv-1").status("kv-5")).contains(MemberStatus.LEFT);
        assertConvergedRing(ring, List.of("kv-1", "kv-2", "kv-3", "kv-4"));
        assertEveryWriteOnAQuorumOfItsOwners(ring);
    }

    @Test
    void anAnnouncementWaitsForEveryMemberAndTheStreamsKeepToTheBound() {
        InMemoryRing ring = new InMemoryRing(SEEDS, List.of("kv-4"));
        for (int i = 0; i < 300; i++) {
            write(ring, SEEDS.get(i % 3), "k-" + i, "x".repeat(100));
        }
        long bytesPerSecond = 10_000;
        RingChange join = ring.driver("kv-4", bytesPerSecond);
        join.requestJoin();
        ring.down.add("kv-3");
        AtomicInteger sleeps = new AtomicInteger();
        List<List<String>> waitedFor = new java.util.ArrayList<>();
        ring.onSleep = () -> {
            waitedFor.add(join.waitingFor());
            if (sleeps.incrementAndGet() == 3) {
                ring.down.remove("kv-3");
            }
        };
        long[] firstFetchNanos = {-1};
        ring.onFetch = () -> {
            assertThat(ring.down).as("no stream before every member confirmed the announcement").doesNotContain("kv-3");
            if (firstFetchNanos[0] < 0) {
                firstFetchNanos[0] = ring.nanos.get();
            }
        };
        join.run();

        assertThat(join.phase()).isEqualTo(RingChange.Phase.DONE);
        assertThat(waitedFor.getFirst()).containsExactly("kv-3");
        long bytes = join.progress().bytesStreamed();
        double streamingSeconds = (ring.nanos.get() - firstFetchNanos[0]) / 1e9;
        assertThat(bytes).isGreaterThan(30_000);
        // The clock moves only when someone sleeps, so the streaming time is the pacer's doing:
        // never more than the bound allows (plus the one batch a pacer lets through at once), and no slower.
        long oneBatch = 5_000;
        assertThat(bytes).isLessThanOrEqualTo((long) (bytesPerSecond * streamingSeconds) + oneBatch);
        assertThat(bytes).isGreaterThanOrEqualTo((long) (bytesPerSecond * streamingSeconds) - oneBatch);
    }

    private static String keyGainedBy(Membership membership, String node) {
        for (int i = 0; ; i++) {
            String key = "probe-" + i;
            int p = membership.ring().partitionOf(key.getBytes(StandardCharsets.UTF_8));
            if (membership.view().next().preferenceList(p).contains(node)) {
                return key;
            }
        }
    }

    private static void assertConvergedRing(InMemoryRing ring, List<String> members) {
        String digest = ring.memberships.get(members.getFirst()).state().digest();
        for (String node : members) {
            Membership m = ring.memberships.get(node);
            assertThat(m.state().digest()).as("ring state on %s", node).isEqualTo(digest);
            assertThat(m.view().changing()).isFalse();
            Ring current = m.ring();
            assertThat(current.nodes()).containsExactlyElementsOf(members);
            for (int p = 0; p < current.partitionCount(); p++) {
                assertThat(new HashSet<>(current.preferenceList(p))).hasSize(3);
            }
        }
    }

    /** Every acknowledged value is held by at least W=2 of its key's final owners, and an R=2 read from any member returns it. */
    private void assertEveryWriteOnAQuorumOfItsOwners(InMemoryRing ring) {
        Membership any = ring.memberships.get("kv-1");
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            byte[] key = write.getKey().getBytes(StandardCharsets.UTF_8);
            List<String> owners = any.ring().preferenceList(key);
            long holding = owners.stream().filter(owner -> values(ring.stored(owner, write.getKey())).contains(write.getValue())).count();
            assertThat(holding).as("owners of %s %s holding %s", write.getKey(), owners, write.getValue()).isGreaterThanOrEqualTo(2);
            assertThat(values(ring.coordinators.get("kv-1").read(write.getKey(), 2, 1000).merged())).contains(write.getValue());
        }
    }

    private static List<String> values(VersionedValue value) {
        return value.siblings().values().stream().map(s -> new String(s.value(), StandardCharsets.UTF_8)).toList();
    }
}
