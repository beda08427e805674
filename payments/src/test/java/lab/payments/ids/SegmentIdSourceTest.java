package lab.payments.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SegmentIdSourceTest {

    @Test
    void twoNodesSharingTheBlockSequenceNeverHandOutTheSameId() {
        AtomicLong sequence = new AtomicLong();
        SegmentIdSource node1 = new SegmentIdSource(sequence::incrementAndGet, 10);
        SegmentIdSource node2 = new SegmentIdSource(sequence::incrementAndGet, 10);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add((i % 3 == 0 ? node2 : node1).nextId())).isTrue();
        }
        assertThat(sequence.get()).as("one storage round trip per block: 67 + 34 blocks").isEqualTo(101);
        assertThat(new SegmentIdSource(() -> 7, 1000).next("pay_")).isEqualTo("pay_7000");
    }
}
