package lab.kvstore.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoordinatorTest {

    private static final long TIMEOUT_MILLIS = 300;
    private static final String KEY = "cart:42";

    private InMemoryCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static WriteCommand put(String value, CausalContext context, int w) {
        return WriteCommand.put(KEY, bytes(value), "text/plain", context, w);
    }

    private static List<String> values(VersionedValue value) {
        return value.siblings().values().stream().map(s -> new String(s.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void readYourWritesAtRAndWTwoFromAnyNode() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        for (String writer : cluster.coordinators.keySet()) {
            WriteResult written = cluster.coordinators.get(writer).write(put("from " + writer, readContext(), 2), TIMEOUT_MILLIS);
            assertThat(written.acks()).isGreaterThanOrEqualTo(2);
            for (Coordinator reader : cluster.coordinators.values()) {
                assertThat(values(reader.read(KEY, 2, TIMEOUT_MILLIS).merged())).containsExactly("from " + writer);
            }
        }
    }

    private CausalContext readContext() {
        return cluster.coordinators.get("kv-1").read(KEY, 2, TIMEOUT_MILLIS).merged().context();
    }

    @Test
    void blindWritesThroughDifferentCoordinatorsBecomeSiblingsAndTheMergedContextResolvesThem() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        cluster.coordinators.get("kv-1").write(put("alice", CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        cluster.coordinators.get("kv-2").write(put("bob", CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        ReadResult read = cluster.coordinators.get("kv-3").read(KEY, 3, TIMEOUT_MILLIS);
        assertThat(values(read.merged())).containsExactlyInAnyOrder("alice", "bob");

        cluster.coordinators.get("kv-3").write(put("alice+bob", read.merged().context(), 2), TIMEOUT_MILLIS);
        assertThat(values(cluster.coordinators.get("kv-1").read(KEY, 3, TIMEOUT_MILLIS).merged())).containsExactly("alice+bob");
    }

    @Test
    void oneReplicaDownStillServesQuorumsOfTwo() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        cluster.unreachable.add("kv-3");
        WriteResult result = cluster.coordinators.get("kv-1").write(put("v", CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        assertThat(result.acks()).isEqualTo(2);
        assertThat(values(cluster.coordinators.get("kv-2").read(KEY, 2, TIMEOUT_MILLIS).merged())).containsExactly("v");
    }

    @Test
    void twoReplicasDownFailsTheWriteFastAndSaysItIsIndeterminate() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        cluster.unreachable.addAll(List.of("kv-2", "kv-3"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> cluster.coordinators.get("kv-1").write(put("v", CausalContext.EMPTY, 2), 5_000))
                .isInstanceOfSatisfying(QuorumNotReachedException.class, e -> {
                    assertThat(e.needed()).isEqualTo(2);
                    assertThat(e.answered()).isEqualTo(1);
                    assertThat(e.indeterminate()).as("kv-1 stored it before fanning out").isTrue();
                    assertThat(e.timedOut()).isFalse();
                    assertThat(e.failures()).containsOnlyKeys("kv-2", "kv-3");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).as("failed replicas end the wait, not the deadline").isLessThan(5_000);
        assertThat(values(cluster.stored("kv-1", KEY))).containsExactly("v");
    }

    @Test
    void aSilentReplicaEndsTheWaitAtTheDeadline() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        cluster.silent.addAll(List.of("kv-2", "kv-3"));
        assertThatThrownBy(() -> cluster.coordinators.get("kv-1").read(KEY, 2, TIMEOUT_MILLIS))
                .isInstanceOfSatisfying(QuorumNotReachedException.class, e -> {
                    assertThat(e.timedOut()).isTrue();
                    assertThat(e.answered()).isEqualTo(1);
                    assertThat(e.indeterminate()).isFalse();
                });
    }

    @Test
    void aNodeOutsideThePreferenceListForwardsToTheFirstReachableReplica() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3", "kv-4", "kv-5"), 3, 8);
        String outsider = cluster.nonReplicaOf(KEY);
        List<String> replicas = cluster.replicasOf(KEY);
        cluster.unreachable.add(replicas.getFirst());
        WriteResult result = cluster.coordinators.get(outsider).write(put("v", CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        assertThat(result.coordinator()).isEqualTo(replicas.get(1));
        assertThat(values(cluster.stored(outsider, KEY))).as("the outsider stores nothing").isEmpty();
        assertThat(values(cluster.coordinators.get(outsider).read(KEY, 2, TIMEOUT_MILLIS).merged())).containsExactly("v");
    }

    @Test
    void aForwardThatTimesOutIsNotSentToAnotherReplica() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3", "kv-4", "kv-5"), 3, 8);
        String outsider = cluster.nonReplicaOf(KEY);
        List<String> replicas = cluster.replicasOf(KEY);
        cluster.silent.add(replicas.getFirst());
        assertThatThrownBy(() -> cluster.coordinators.get(outsider).write(put("v", CausalContext.EMPTY, 2), TIMEOUT_MILLIS))
                .isInstanceOfSatisfying(QuorumNotReachedException.class, e -> assertThat(e.indeterminate()).isTrue());
        for (String replica : replicas.subList(1, 3)) {
            assertThat(cluster.stored(replica, KEY).isAbsent()).as("%s got no second copy", replica).isTrue();
        }
    }

    @Test
    void theSiblingBoundIsAnErrorThatWritesNothing() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 2);
        Coordinator kv1 = cluster.coordinators.get("kv-1");
        kv1.write(put("a", CausalContext.EMPTY, 3), TIMEOUT_MILLIS);
        kv1.write(put("b", CausalContext.EMPTY, 3), TIMEOUT_MILLIS);
        VersionedValue before = cluster.stored("kv-1", KEY);
        assertThatThrownBy(() -> kv1.write(put("c", CausalContext.EMPTY, 3), TIMEOUT_MILLIS))
                .isInstanceOfSatisfying(TooManySiblingsException.class, e -> assertThat(e.limit()).isEqualTo(2));
        assertThat(cluster.stored("kv-1", KEY)).isEqualTo(before);
        kv1.write(put("resolved", before.context(), 3), TIMEOUT_MILLIS);
        assertThat(values(cluster.stored("kv-2", KEY))).containsExactly("resolved");
    }

    @Test
    void aDeleteReadsAsDeletedAndItsContextLetsAWriteSupersedeTheTombstone() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        Coordinator kv1 = cluster.coordinators.get("kv-1");
        kv1.write(put("v", CausalContext.EMPTY, 2), TIMEOUT_MILLIS);
        kv1.write(WriteCommand.delete(KEY, readContext(), 2), TIMEOUT_MILLIS);
        VersionedValue afterDelete = kv1.read(KEY, 2, TIMEOUT_MILLIS).merged();
        assertThat(afterDelete.isDeleted()).isTrue();
        assertThat(afterDelete.siblings().values()).allMatch(Sibling::tombstone);
        kv1.write(put("again", afterDelete.context(), 2), TIMEOUT_MILLIS);
        assertThat(values(kv1.read(KEY, 3, TIMEOUT_MILLIS).merged())).containsExactly("again");
    }

    @Test
    void quorumsOutsideOneToNAreRejected() {
        cluster = new InMemoryCluster(List.of("kv-1", "kv-2", "kv-3"), 3, 8);
        assertThatThrownBy(() -> cluster.coordinators.get("kv-1").read(KEY, 4, TIMEOUT_MILLIS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r=4");
        assertThatThrownBy(() -> cluster.coordinators.get("kv-1").write(put("v", CausalContext.EMPTY, 0), TIMEOUT_MILLIS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w=0");
        assertThat(cluster.stored("kv-1", KEY).isAbsent()).isTrue();
    }
}
