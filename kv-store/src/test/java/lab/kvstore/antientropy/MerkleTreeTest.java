package lab.kvstore.antientropy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static StoredEntry entry(String key, String value, long counter) {
        return new StoredEntry(key.getBytes(StandardCharsets.UTF_8), VersionedValue.write(new Dot("kv-1", counter),
                new Sibling(value.getBytes(StandardCharsets.UTF_8), "text/plain", 1, false), CausalContext.EMPTY));
    }

    private static List<StoredEntry> sorted(List<StoredEntry> entries) {
        List<StoredEntry> copy = new ArrayList<>(entries);
        copy.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        return copy;
    }

    @Test
    void equalDataEqualRootsAndOnlyTheChangedSegmentsDiffer() {
        List<StoredEntry> data = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            data.add(entry("key-" + i, "v" + i, i + 1));
        }
        MerkleTree a = MerkleTree.build(sorted(data), 64);
        assertThat(MerkleTree.build(sorted(data), 64).root()).isEqualTo(a.root());
        assertThat(a.differingSegments(MerkleTree.fromLeaves(a.leaves()))).isEmpty();

        List<StoredEntry> changed = new ArrayList<>(data);
        changed.set(7, entry("key-7", "other", 99));
        changed.remove(300); // key-300 missing on the other replica
        MerkleTree b = MerkleTree.build(sorted(changed), 64);
        int s7 = MerkleTree.segmentOf("key-7".getBytes(StandardCharsets.UTF_8), 64);
        int s300 = MerkleTree.segmentOf("key-300".getBytes(StandardCharsets.UTF_8), 64);
        assertThat(a.differingSegments(b)).containsExactlyInAnyOrderElementsOf(new java.util.HashSet<>(List.of(s7, s300)));
    }
}
