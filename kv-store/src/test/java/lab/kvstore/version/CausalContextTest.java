package lab.kvstore.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {

    private static CausalContext vv(Object... nodeCounter) {
        java.util.TreeMap<String, Long> map = new java.util.TreeMap<>();
        for (int i = 0; i < nodeCounter.length; i += 2) {
            map.put((String) nodeCounter[i], ((Number) nodeCounter[i + 1]).longValue());
        }
        return CausalContext.of(map, List.of());
    }

    @Test
    void equalDescendsPrecedesAndConcurrent() {
        assertThat(vv("a", 2, "b", 1).compare(vv("a", 2, "b", 1))).isEqualTo(Causality.EQUAL);
        assertThat(vv("a", 3, "b", 1).compare(vv("a", 2, "b", 1))).isEqualTo(Causality.DESCENDS);
        assertThat(vv("a", 2).compare(vv("a", 2, "b", 1))).isEqualTo(Causality.PRECEDES);
        assertThat(vv("a", 3).compare(vv("a", 2, "b", 1))).isEqualTo(Causality.CONCURRENT);
        assertThat(CausalContext.EMPTY.compare(vv("a", 1))).isEqualTo(Causality.PRECEDES);
        assertThat(CausalContext.EMPTY.compare(CausalContext.EMPTY)).isEqualTo(Causality.EQUAL);
    }

    @Test
    void aDotOutOfOrderStaysExactInTheCloudUntilTheGapFills() {
        CausalContext context = vv("a", 2).with(new Dot("a", 4));
        assertThat(context.contains(new Dot("a", 3))).as("kv-1:3 was never seen").isFalse();
        assertThat(context.contains(new Dot("a", 4))).isTrue();
        assertThat(context.cloud()).containsExactly(new Dot("a", 4));
        assertThat(context.max("a")).isEqualTo(4);

        CausalContext filled = context.with(new Dot("a", 3));
        assertThat(filled.cloud()).isEmpty();
        assertThat(filled.vector()).isEqualTo(Map.of("a", 4L));
        assertThat(filled).isEqualTo(vv("a", 4));
    }

    @Test
    void cloudDotsCountInComparisons() {
        CausalContext withGap = vv("a", 1).with(new Dot("a", 3));
        assertThat(withGap.compare(vv("a", 3))).isEqualTo(Causality.PRECEDES);
        assertThat(withGap.compare(vv("a", 2))).isEqualTo(Causality.CONCURRENT);
        assertThat(withGap.compare(vv("a", 1))).isEqualTo(Causality.DESCENDS);
    }

    @Test
    void mergeIsTheUnionAndNormalises() {
        CausalContext left = vv("a", 2, "b", 5).with(new Dot("c", 3));
        CausalContext right = vv("a", 4, "c", 2);
        CausalContext merged = left.merge(right);
        assertThat(merged).isEqualTo(vv("a", 4, "b", 5, "c", 3));
        assertThat(merged.includes(left)).isTrue();
        assertThat(merged.includes(right)).isTrue();
        assertThat(right.merge(left)).isEqualTo(merged);
    }

    @Test
    void rejectsCountersBelowOne() {
        assertThatThrownBy(() -> vv("a", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Dot("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
