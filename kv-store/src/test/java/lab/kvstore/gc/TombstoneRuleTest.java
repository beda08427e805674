package lab.kvstore.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;

class TombstoneRuleTest {

    private final VersionedValue put = VersionedValue.write(new Dot("kv-1", 1),
            new Sibling("v".getBytes(StandardCharsets.UTF_8), "text/plain", 1_000, false), CausalContext.EMPTY);
    private final VersionedValue tombstone = put.join(VersionedValue.write(new Dot("kv-1", 2), Sibling.tombstone(2_000), put.context()));

    @Test
    void onlyTombstonesOlderThanTheHintAgeAreCandidates() {
        assertThat(tombstone.isDeleted()).isTrue();
        assertThat(TombstoneRule.oldEnough(tombstone, 2_000 + 500, 1_000)).isFalse();
        assertThat(TombstoneRule.oldEnough(tombstone, 2_000 + 1_001, 1_000)).isTrue();
        assertThat(TombstoneRule.oldEnough(put, 1_000_000, 1_000)).as("a live value is never collected").isFalse();
    }

    @Test
    void timeAloneIsNotEnoughEveryExchangeMustHaveSucceeded() {
        assertThat(TombstoneRule.collectible(tombstone, tombstone, false)).isFalse();
        assertThat(TombstoneRule.collectible(tombstone, tombstone, true)).isTrue();
        VersionedValue rewritten = tombstone.join(VersionedValue.write(new Dot("kv-2", 1),
                new Sibling("back".getBytes(StandardCharsets.UTF_8), "text/plain", 3_000, false), tombstone.context()));
        assertThat(TombstoneRule.collectible(tombstone, rewritten, true)).as("changed during the round").isFalse();
    }
}
