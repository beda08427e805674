package lab.load.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UniqueIdsTest {

    @Test
    void aDuplicateAmongAMillionIdsIsFound() {
        UniqueIds ids = new UniqueIds();
        for (long id = 1; id <= 1_000_000; id++) {
            assertThat(ids.add(id * 4097)).isTrue();
        }
        assertThat(ids.add(500_000L * 4097)).as("the 500 000th ID again").isFalse();
        assertThat(ids.size()).isEqualTo(1_000_000);
    }

    @Test
    void theValueUsedAsTheEmptyMarkerIsAnOrdinaryId() {
        UniqueIds ids = new UniqueIds();
        assertThat(ids.add(Long.MIN_VALUE)).isTrue();
        assertThat(ids.add(Long.MIN_VALUE)).isFalse();
        assertThat(ids.add(0)).isTrue();
        assertThat(ids.size()).isEqualTo(2);
    }
}
