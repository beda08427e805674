package lab.kvstore.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionedValueTest {

    private static Sibling text(String s, long ts) {
        return new Sibling(s.getBytes(StandardCharsets.UTF_8), "text/plain", ts, false);
    }

    /** A replica coordinating a write the way Replica does: mint a dot above everything seen, join the delta. */
    private static VersionedValue[] write(VersionedValue stored, String node, CausalContext seen, Sibling sibling) {
        VersionedValue delta = VersionedValue.write(stored.nextDot(node, seen), sibling, seen);
        return new VersionedValue[] {stored.join(delta), delta};
    }

    @Test
    void blindConcurrentWritesBecomeSiblingsAndAWriteWithTheMergedContextResolvesThem() {
        VersionedValue replica = VersionedValue.EMPTY;
        replica = write(replica, "kv-1", CausalContext.EMPTY, text("alice", 1))[0];
        replica = write(replica, "kv-1", CausalContext.EMPTY, text("bob", 2))[0];
        assertThat(replica.siblings()).hasSize(2);

        VersionedValue resolved = write(replica, "kv-1", replica.context(), text("alice+bob", 3))[0];
        assertThat(resolved.siblings()).hasSize(1);
        assertThat(new String(resolved.siblings().firstEntry().getValue().value(), StandardCharsets.UTF_8)).isEqualTo("alice+bob");
    }

    @Test
    void aWriteReplacesOnlyWhatItsClientSawNotAConcurrentWriteWithTheSameCoordinator() {
        VersionedValue replica = write(VersionedValue.EMPTY, "kv-1", CausalContext.EMPTY, text("v1", 1))[0];
        CausalContext aliceRead = replica.context();
        VersionedValue[] bob = write(replica, "kv-1", aliceRead, text("bob", 2));
        CausalContext bobContext = bob[1].context();
        VersionedValue[] alice = write(bob[0], "kv-1", aliceRead, text("alice", 3));
        assertThat(alice[0].siblings()).as("bob's and alice's writes are concurrent").hasSize(2);

        // Bob writes again with the context his PUT returned: it replaces his own write, never alice's.
        VersionedValue afterBob = write(alice[0], "kv-1", bobContext, text("bob2", 4))[0];
        assertThat(afterBob.siblings().values()).extracting(s -> new String(s.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("alice", "bob2");
    }

    @Test
    void aReplicaThatMissedAWriteConvergesAndDoesNotResurrectTheSupersededValue() {
        VersionedValue[] first = write(VersionedValue.EMPTY, "kv-1", CausalContext.EMPTY, text("old", 1));
        VersionedValue a = first[0];
        VersionedValue b = VersionedValue.EMPTY.join(first[1]);
        VersionedValue[] second = write(a, "kv-1", a.context(), text("new", 2));
        a = second[0];
        // b never got the second delta; a full exchange in either direction must end at "new" only.
        assertThat(a.join(b)).isEqualTo(a);
        assertThat(b.join(a)).isEqualTo(a);
        assertThat(b.join(a).siblings()).hasSize(1);
    }

    @Test
    void aDeleteIsATombstoneWithAContextAndAConcurrentPutSurvivesIt() {
        VersionedValue[] put = write(VersionedValue.EMPTY, "kv-1", CausalContext.EMPTY, text("v", 1));
        VersionedValue deleted = write(put[0], "kv-2", put[0].context(), Sibling.tombstone(2))[0];
        assertThat(deleted.isDeleted()).isTrue();
        VersionedValue concurrentPut = write(put[0], "kv-3", CausalContext.EMPTY, text("w", 3))[0];
        VersionedValue merged = deleted.join(concurrentPut);
        assertThat(merged.isDeleted()).isFalse();
        assertThat(merged.siblings()).hasSize(2);
    }

    @Test
    void nextDotIsAboveAContextThatIsAheadOfThisReplica() {
        CausalContext ahead = CausalContext.ofDot(new Dot("kv-1", 1)).merge(CausalContext.of(java.util.Map.of("kv-1", 7L), List.of()));
        assertThat(VersionedValue.EMPTY.nextDot("kv-1", ahead)).isEqualTo(new Dot("kv-1", 8));
    }

    @Test
    void twoValuesUnderOneDotFailLoudly() {
        VersionedValue one = VersionedValue.write(new Dot("kv-1", 1), text("x", 1), CausalContext.EMPTY);
        VersionedValue other = VersionedValue.write(new Dot("kv-1", 1), text("y", 1), CausalContext.EMPTY);
        assertThatThrownBy(() -> one.join(other)).isInstanceOf(IllegalStateException.class).hasMessageContaining("kv-1:1");
    }

    @Test
    void joinIsCommutativeAssociativeAndIdempotentOverRandomHistories() {
        Random random = new Random(42);
        String[] nodes = {"kv-1", "kv-2", "kv-3"};
        for (int round = 0; round < 200; round++) {
            // Three replicas, each receiving a random subset of deltas of writes coordinated anywhere.
            VersionedValue[] replicas = {VersionedValue.EMPTY, VersionedValue.EMPTY, VersionedValue.EMPTY};
            List<VersionedValue> deltas = new ArrayList<>();
            for (int op = 0; op < 8; op++) {
                int coordinator = random.nextInt(3);
                CausalContext seen = random.nextBoolean() ? replicas[random.nextInt(3)].context() : CausalContext.EMPTY;
                VersionedValue[] w = write(replicas[coordinator], nodes[coordinator], seen,
                        random.nextInt(5) == 0 ? Sibling.tombstone(op) : text("v" + round + "-" + op, op));
                replicas[coordinator] = w[0];
                deltas.add(w[1]);
                for (int r = 0; r < 3; r++) {
                    if (r != coordinator && random.nextBoolean()) {
                        replicas[r] = replicas[r].join(w[1]);
                    }
                }
            }
            VersionedValue a = replicas[0];
            VersionedValue b = replicas[1];
            VersionedValue c = replicas[2];
            assertThat(a.join(b)).isEqualTo(b.join(a));
            assertThat(a.join(b).join(c)).isEqualTo(a.join(b.join(c)));
            assertThat(a.join(a)).isEqualTo(a);
            // Every replica receiving every delta, in any order, ends at the same value.
            VersionedValue all = VersionedValue.EMPTY;
            for (VersionedValue d : deltas) {
                all = all.join(d);
            }
            assertThat(a.join(b).join(c).join(all)).isEqualTo(all);
        }
    }

    @Test
    void codecRoundTripsValuesAndTokensAndRejectsGarbage() {
        VersionedValue v = write(write(VersionedValue.EMPTY, "kv-1", CausalContext.EMPTY, text("a", 1))[0],
                "kv-2", CausalContext.EMPTY, Sibling.tombstone(5))[0];
        assertThat(VersionCodec.decode(VersionCodec.encode(v))).isEqualTo(v);
        CausalContext context = v.context().with(new Dot("kv-3", 9));
        assertThat(VersionCodec.fromToken(VersionCodec.toToken(context))).isEqualTo(context);
        assertThatThrownBy(() -> VersionCodec.fromToken("not*base64")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VersionCodec.fromToken("AAAA")).isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = java.util.Arrays.copyOf(VersionCodec.encode(v), 10);
        assertThatThrownBy(() -> VersionCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    }
}
