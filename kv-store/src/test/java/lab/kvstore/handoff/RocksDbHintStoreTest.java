package lab.kvstore.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import lab.kvstore.version.Dot;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbHintStoreTest {

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_000);

    private static VersionedValue value(String v, long counter) {
        return VersionedValue.write(new Dot("kv-1", counter), new Sibling(v.getBytes(StandardCharsets.UTF_8), "text/plain", 1, false),
                CausalContext.EMPTY);
    }

    @Test
    void countBoundRefusesAndHintsSurviveReopenInOrder() {
        try (HintStore store = new RocksDbHintStore(dir, new HintBounds(3, 1 << 20, 60_000), clock::get)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(store.add("kv-3", ("k" + i).getBytes(StandardCharsets.UTF_8), value("v" + i, i))).isTrue();
            }
            assertThat(store.add("kv-3", "k4".getBytes(StandardCharsets.UTF_8), value("v4", 4))).isFalse();
            assertThat(store.add("kv-30", "k".getBytes(StandardCharsets.UTF_8), value("x", 1))).isTrue();
            assertThat(store.pending().get("kv-3").hints()).isEqualTo(3);
        }
        try (HintStore store = new RocksDbHintStore(dir, new HintBounds(3, 1 << 20, 60_000), clock::get)) {
            assertThat(store.pending().get("kv-3").hints()).isEqualTo(3);
            assertThat(store.oldest("kv-3", 10)).extracting(h -> new String(h.key(), StandardCharsets.UTF_8))
                    .containsExactly("k1", "k2", "k3");
            assertThat(store.oldest("kv-3", 10).getFirst().value()).isEqualTo(value("v1", 1));
            store.oldest("kv-3", 10).forEach(store::remove);
            assertThat(store.pending()).containsOnlyKeys("kv-30");
            assertThat(store.add("kv-3", "k5".getBytes(StandardCharsets.UTF_8), value("v5", 5))).isTrue();
        }
    }

    @Test
    void byteBoundRefuses() {
        try (HintStore store = new RocksDbHintStore(dir, new HintBounds(1000, 200, 60_000), clock::get)) {
            assertThat(store.add("kv-2", "a".getBytes(StandardCharsets.UTF_8), value("x".repeat(100), 1))).isTrue();
            assertThat(store.add("kv-2", "b".getBytes(StandardCharsets.UTF_8), value("y".repeat(100), 2))).isFalse();
            assertThat(store.pending().get("kv-2").bytes()).isLessThanOrEqualTo(200);
        }
    }
}
