package lab.kvstore.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import lab.kvstore.storage.InMemoryStorage;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;

/**
 * Collecting a tombstone keeps the key's causal context, so collection can neither make a dot be
 * minted twice (a replica still holding the tombstone would drop the new write) nor be undone by
 * anything older arriving afterwards (a late hint, whatever the clocks said).
 */
class TombstoneCollectionTest {

    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final Replica collector = new Replica("kv-1", new InMemoryStorage(), CLOCK, 8, KvMetrics.NONE);
    private final Replica holder = new Replica("kv-2", new InMemoryStorage(), CLOCK, 8, KvMetrics.NONE);

    private VersionedValue put(String value, CausalContext context) {
        VersionedValue delta = collector.coordinateWrite(0, KEY, WriteCommand.put("k", value.getBytes(StandardCharsets.UTF_8),
                "text/plain", context, 2));
        holder.apply(0, KEY, delta);
        return delta;
    }

    private void deleteAndCollect(CausalContext context) {
        VersionedValue tombstone = collector.coordinateWrite(0, KEY, WriteCommand.delete("k", context, 2));
        holder.apply(0, KEY, tombstone);
        assertThat(collector.collectIfUnchanged(0, KEY, collector.read(0, KEY))).isTrue();
    }

    @Test
    void aWriteAfterCollectionGetsAFreshDotThatAReplicaStillHoldingTheTombstoneKeeps() {
        VersionedValue first = put("v1", CausalContext.EMPTY);
        deleteAndCollect(first.context());
        assertThat(collector.read(0, KEY).isAbsent()).isTrue();

        VersionedValue blind = put("v2", CausalContext.EMPTY);

        assertThat(blind.siblings().firstKey()).isEqualTo(new Dot("kv-1", 3));
        assertThat(holder.read(0, KEY).siblings()).containsKey(new Dot("kv-1", 3));
        assertThat(holder.read(0, KEY).join(collector.read(0, KEY)).siblings()).hasSize(1);
    }

    @Test
    void aHintOfADeletedWriteReplayedAfterCollectionDoesNotBringItBack() {
        VersionedValue first = put("v1", CausalContext.EMPTY);
        deleteAndCollect(first.context());

        collector.apply(0, KEY, first); // the old write arrives again: a hint, a late repair, a duplicate

        assertThat(collector.read(0, KEY).isAbsent()).isTrue();
        assertThat(collector.read(0, KEY).siblings()).isEmpty();
    }

    @Test
    void collectionSpreadsToAReplicaStillHoldingTheTombstoneByJoin() {
        VersionedValue first = put("v1", CausalContext.EMPTY);
        deleteAndCollect(first.context());

        holder.apply(0, KEY, collector.read(0, KEY));

        assertThat(holder.read(0, KEY)).isEqualTo(collector.read(0, KEY));
        assertThat(holder.read(0, KEY).isAbsent()).isTrue();
    }
}
