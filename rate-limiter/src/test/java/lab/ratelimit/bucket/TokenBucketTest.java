package lab.ratelimit.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic, driven by an explicit clock in microseconds. */
class TokenBucketTest {

    private static final long SECOND = 1_000_000;

    private BucketState state;

    private Decision take(BucketConfig config, long permits, long nowMicros) {
        TokenBucket.Outcome outcome = TokenBucket.decide(config, state, permits, true, nowMicros);
        state = outcome.next();
        return outcome.decision();
    }

    @Test
    void newKeyStartsFullAndAdmitsTheWholeBurstThenDenies() {
        BucketConfig config = new BucketConfig(10, 1);
        for (int i = 0; i < 10; i++) {
            assertThat(take(config, 1, 0).allowed()).as("request %d of the burst", i).isTrue();
        }
        Decision denied = take(config, 1, 0);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.remaining()).isZero();
        assertThat(denied.retryAfterMicros()).isEqualTo(SECOND);
        assertThat(denied.fullInMicros()).isEqualTo(10 * SECOND);
    }

    @Test
    void refillsContinuouslyAtTheRate() {
        BucketConfig config = new BucketConfig(10, 4);
        take(config, 10, 0);
        assertThat(take(config, 1, SECOND / 4 - 1).allowed()).as("not yet a whole token").isFalse();
        assertThat(take(config, 1, SECOND / 4).allowed()).isTrue();
        assertThat(take(config, 2, SECOND / 4 + SECOND / 2).allowed()).as("two more tokens half a second later").isTrue();
        assertThat(state.tokens()).isCloseTo(0, within(1e-9));
    }

    @Test
    void fractionalRateOfOneTokenEveryTenSeconds() {
        BucketConfig config = new BucketConfig(1, 0.1);
        assertThat(take(config, 1, 0).allowed()).isTrue();
        Decision denied = take(config, 1, 5 * SECOND);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterMicros()).isEqualTo(5 * SECOND);
        assertThat(take(config, 1, 10 * SECOND).allowed()).isTrue();
    }

    @Test
    void longIdlePeriodRefillsOnlyUpToCapacity() {
        BucketConfig config = new BucketConfig(5, 1);
        take(config, 5, 0);
        long aYearLater = 365L * 24 * 3600 * SECOND;
        Decision look = TokenBucket.decide(config, state, 1, false, aYearLater).decision();
        assertThat(look.tokensLeft()).isEqualTo(5.0);
        assertThat(look.fullInMicros()).isZero();
        assertThat(take(config, 5, aYearLater).allowed()).isTrue();
        assertThat(take(config, 1, aYearLater).allowed()).as("a year of idling is still one burst").isFalse();
    }

    @Test
    void largePermitsWaitForEnoughTokensAndDeniedRequestsTakeNothing() {
        BucketConfig config = new BucketConfig(1_000_000, 1000);
        assertThat(take(config, 999_999, 0).allowed()).isTrue();
        Decision denied = take(config, 1000, 0);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterMicros()).isEqualTo(999 * SECOND / 1000);
        assertThat(state.tokens()).as("the denied request took nothing").isEqualTo(1.0);
        assertThat(take(config, 1000, 999 * SECOND / 1000).allowed()).isTrue();
        assertThat(take(config, 1_000_000, 0).allowed()).as("a clock going back refills nothing").isFalse();
    }

    @Test
    void lookingTakesNothing() {
        BucketConfig config = new BucketConfig(3, 1);
        take(config, 2, 0);
        Decision look = TokenBucket.decide(config, state, 1, false, 0).decision();
        assertThat(look.allowed()).isTrue();
        assertThat(look.remaining()).isEqualTo(1);
        assertThat(TokenBucket.decide(config, state, 2, false, 0).decision().allowed()).isFalse();
        assertThat(take(config, 1, 0).allowed()).isTrue();
    }

    @Test
    void shrinkingCapacityClampsTheStoredTokens() {
        take(new BucketConfig(100, 1), 1, 0);
        Decision afterShrink = take(new BucketConfig(10, 1), 1, 0);
        assertThat(afterShrink.allowed()).isTrue();
        assertThat(afterShrink.tokensLeft()).isEqualTo(9.0);
    }

    @Test
    void clockGoingBackwardsNeitherRefillsNorUnspends() {
        BucketConfig config = new BucketConfig(2, 1);
        take(config, 2, 10 * SECOND);
        assertThat(take(config, 1, 5 * SECOND).allowed()).isFalse();
        assertThat(state.updatedMicros()).isEqualTo(10 * SECOND);
        assertThat(take(config, 1, 11 * SECOND).allowed()).isTrue();
    }

    @Test
    void admittedNeverExceedsCapacityPlusRateTimesElapsedOverARandomHistory() {
        Random random = new Random(42);
        BucketConfig config = new BucketConfig(20, 3.5);
        long now = 0;
        long[] admittedAt = new long[200_000];
        long[] permitsAt = new long[200_000];
        int n = 0;
        for (int i = 0; i < 200_000; i++) {
            now += random.nextInt(50_000);
            long permits = 1 + random.nextInt(4);
            if (take(config, permits, now).allowed()) {
                admittedAt[n] = now;
                permitsAt[n++] = permits;
            }
        }
        // Every window [admittedAt[i], admittedAt[j]]: permits admitted in it <= capacity + rate * length.
        for (int i = 0; i < n; i += 97) {
            long sum = 0;
            for (int j = i; j < n; j++) {
                sum += permitsAt[j];
                double bound = config.capacity() + config.refillPerSecond() * (admittedAt[j] - admittedAt[i]) / 1e6;
                assertThat((double) sum).as("window %d..%d", i, j).isLessThanOrEqualTo(bound + 1e-6);
            }
        }
        double seconds = now / 1e6;
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += permitsAt[i];
        }
        assertThat((double) total).as("sustained demand gets close to the rate").isGreaterThan(0.95 * (config.refillPerSecond() * seconds));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new BucketConfig(0, 1)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new BucketConfig(1, 0)).hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> new BucketConfig(1, Double.NaN)).hasMessageContaining("refillPerSecond");
        assertThatThrownBy(() -> TokenBucket.decide(new BucketConfig(1, 1), null, 0, true, 0)).hasMessageContaining("permits");
        assertThatThrownBy(() -> new BucketConfig(1, 1).share(0)).hasMessageContaining("at least one");
    }

    @Test
    void sharesAddUpToTheWhole() {
        BucketConfig share = new BucketConfig(5, 0.5).share(2);
        assertThat(share.capacity()).isEqualTo(2.5);
        assertThat(share.refillPerSecond()).isEqualTo(0.25);
    }
}
