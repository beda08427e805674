package lab.kvstore.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextClaimsTest {

    private static final long AHEAD = ContextClaims.MAX_COUNTER_AHEAD;

    @Test
    void aClaimWithinReachOfWhatTheReplicaHoldsIsKeptWhole() {
        CausalContext known = CausalContext.of(Map.of("kv-1", 5L), List.of());
        CausalContext claimed = CausalContext.of(Map.of("kv-1", 5L + AHEAD, "kv-2", AHEAD), List.of());
        assertThat(ContextClaims.bounded(claimed, known)).isSameAs(claimed);
    }

    @Test
    void aClaimFarAheadKeepsOnlyTheDotsTheReplicaSaw() {
        CausalContext known = CausalContext.of(Map.of("kv-1", 3L, "kv-2", 7L), List.of(new Dot("kv-1", 5)));
        CausalContext claimed = CausalContext.of(Map.of("kv-1", 6L + AHEAD, "kv-2", 2L), List.of());

        CausalContext bounded = ContextClaims.bounded(claimed, known);

        assertThat(bounded).isEqualTo(CausalContext.of(Map.of("kv-1", 3L, "kv-2", 2L), List.of(new Dot("kv-1", 5))));
        assertThat(VersionedValue.EMPTY.nextDot("kv-1", bounded)).isEqualTo(new Dot("kv-1", 6));
    }

    @Test
    void aFarClaimOnAnEmptyReplicaIsDroppedForThatNodeOnly() {
        CausalContext claimed = CausalContext.of(Map.of("kv-1", Long.MAX_VALUE / 2, "kv-2", 4L), List.of(new Dot("kv-3", 2 * AHEAD)));
        assertThat(ContextClaims.bounded(claimed, CausalContext.EMPTY)).isEqualTo(CausalContext.of(Map.of("kv-2", 4L), List.of()));
    }
}
