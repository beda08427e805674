package lab.ratelimit.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBucketsTest {

    private final AtomicLong nowMicros = new AtomicLong();
    private final LocalBuckets buckets = new LocalBuckets(1000, Duration.ofMinutes(1), nowMicros::get);

    @Test
    void keysAreIndependentAndShareSizedBucketsAdmitTheirShare() {
        BucketConfig share = new BucketConfig(10, 2).share(2);
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            if (buckets.decide("p:a", share, 1, true).allowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(5);
        assertThat(buckets.decide("p:b", share, 1, true).allowed()).as("another key has its own bucket").isTrue();
        nowMicros.addAndGet(1_000_000);
        assertThat(buckets.decide("p:a", share, 1, true).allowed()).as("one token a second per share").isTrue();
        assertThat(buckets.decide("p:a", share, 1, true).allowed()).isFalse();
    }

    @Test
    void aSmallerShareAfterANodeJoinsClampsTheBucket() {
        buckets.decide("p:a", new BucketConfig(12, 1).share(1), 1, true);
        Decision afterJoin = buckets.decide("p:a", new BucketConfig(12, 1).share(3), 1, true);
        assertThat(afterJoin.tokensLeft()).isEqualTo(3.0);
    }
}
