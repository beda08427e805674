package lab.kvstore.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingTest {

    private static final int PARTITIONS = 1024;
    private static final int TOKENS = 128;
    private static final int KEYS = 50_000;

    private static List<String> nodes(int count) {
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add("kv-" + i);
        }
        return nodes;
    }

    private static byte[] key(int i) {
        return ("user:" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** Stated bound: with 128 tokens per node, every node owns within ±20 % of a fair share. */
    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5})
    void keysAreBalancedWithinTwentyPercent(int nodeCount) {
        Ring ring = new Ring(nodes(nodeCount), PARTITIONS, TOKENS, 3);
        int[] primary = new int[nodeCount];
        int[] replicas = new int[nodeCount];
        for (int i = 0; i < KEYS; i++) {
            List<String> list = ring.preferenceList(key(i));
            assertThat(list).hasSize(3).doesNotHaveDuplicates();
            primary[Integer.parseInt(list.getFirst().substring(3)) - 1]++;
            for (String node : list) {
                replicas[Integer.parseInt(node.substring(3)) - 1]++;
            }
        }
        double fairPrimary = (double) KEYS / nodeCount;
        double fairReplicas = 3.0 * KEYS / nodeCount;
        for (int n = 0; n < nodeCount; n++) {
            assertThat(primary[n] / fairPrimary).as("primary share of kv-%d", n + 1).isBetween(0.8, 1.2);
            assertThat(replicas[n] / fairReplicas).as("replica share of kv-%d", n + 1).isBetween(0.8, 1.2);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void addingANodeMovesAboutOneNthOfTheKeysAndOnlyToTheNewNode(int before) {
        Ring small = new Ring(nodes(before), PARTITIONS, TOKENS, 3);
        Ring large = new Ring(nodes(before + 1), PARTITIONS, TOKENS, 3);
        String newcomer = "kv-" + (before + 1);
        int primaryMoved = 0;
        for (int i = 0; i < KEYS; i++) {
            List<String> was = small.preferenceList(key(i));
            List<String> now = large.preferenceList(key(i));
            if (!was.getFirst().equals(now.getFirst())) {
                primaryMoved++;
                assertThat(now.getFirst()).as("a moved key moves to the new node").isEqualTo(newcomer);
            }
            Set<String> lost = new HashSet<>(was);
            lost.removeAll(now);
            Set<String> gained = new HashSet<>(now);
            gained.removeAll(was);
            assertThat(gained).as("replicas gained by key %d", i).isSubsetOf(Set.of(newcomer));
            assertThat(lost.size()).isEqualTo(gained.size()).isLessThanOrEqualTo(1);
        }
        double expected = 1.0 / (before + 1);
        assertThat((double) primaryMoved / KEYS).as("share of keys whose first replica moved")
                .isBetween(expected * 0.75, expected * 1.25);
    }

    @Test
    void replicationFactorIsCappedByNodeCountAndPlacementIsDeterministic() {
        Ring two = new Ring(List.of("kv-2", "kv-1"), PARTITIONS, TOKENS, 3);
        assertThat(two.replicationFactor()).isEqualTo(2);
        assertThat(two.preferenceList(key(1))).containsExactlyInAnyOrder("kv-1", "kv-2");
        Ring again = new Ring(List.of("kv-1", "kv-2"), PARTITIONS, TOKENS, 3);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(again.preferenceList(p)).isEqualTo(two.preferenceList(p));
        }
    }
}
