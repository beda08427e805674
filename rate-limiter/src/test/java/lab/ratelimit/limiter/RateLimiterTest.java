package lab.ratelimit.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lab.ratelimit.bucket.BucketState;
import lab.ratelimit.bucket.LocalBuckets;
import lab.ratelimit.bucket.TokenBucket;
import lab.ratelimit.policy.FailureMode;
import lab.ratelimit.policy.Policy;
import lab.ratelimit.redis.Delivery;
import lab.ratelimit.redis.RedisUnavailableException;
import org.junit.jupiter.api.Test;

/**
 * Mode selection with the shared store passed in as a function: an in-memory stand-in for the
 * global bucket (the Redis script itself is tested against real Redis) that can be switched off.
 */
class RateLimiterTest {

    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private final AtomicInteger liveNodes = new AtomicInteger(2);
    private final java.util.concurrent.atomic.AtomicReference<Delivery> delivery = new java.util.concurrent.atomic.AtomicReference<>(Delivery.NOT_SENT);
    private final java.util.Map<String, BucketState> shared = new java.util.HashMap<>();
    private final RateLimiter limiter = new RateLimiter(
            (key, config, permits, consume) -> {
                if (!storeUp.get()) {
                    throw new RedisUnavailableException("store switched off by the test", null, delivery.get());
                }
                TokenBucket.Outcome outcome = TokenBucket.decide(config, shared.get(key), permits, consume, 0);
                if (consume) {
                    shared.put(key, outcome.next());
                }
                return outcome.decision();
            },
            new LocalBuckets(100, Duration.ofMinutes(1), () -> 0),
            liveNodes::get, storeUp::get);

    @Test
    void globalWhileTheStoreAnswers() {
        Policy policy = new Policy("p", 3, 1, FailureMode.CLOSED);
        assertThat(limiter.decide(policy, "k", 3, true).mode()).isEqualTo(Mode.GLOBAL);
        Verdict denied = limiter.decide(policy, "k", 1, true);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.mode()).isEqualTo(Mode.GLOBAL);
        assertThat(limiter.modeOf(policy)).isEqualTo(Mode.GLOBAL);
    }

    @Test
    void eachFailureModeWhenTheStoreIsDown() {
        storeUp.set(false);
        Policy open = new Policy("o", 2, 1, FailureMode.OPEN);
        Policy closed = new Policy("c", 2, 1, FailureMode.CLOSED);
        for (int i = 0; i < 10; i++) {
            Verdict verdict = limiter.decide(open, "k", 1, true);
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.mode()).isEqualTo(Mode.OPEN);
        }
        Verdict refused = limiter.decide(closed, "k", 1, true);
        assertThat(refused.mode()).isEqualTo(Mode.CLOSED);
        assertThat(refused.allowed()).isFalse();
        assertThat(limiter.modeOf(closed)).isEqualTo(Mode.CLOSED);
    }

    @Test
    void localModeAdmitsTheShareOfTheConfiguredNodes() {
        storeUp.set(false);
        Policy policy = new Policy("l", 10, 1, FailureMode.LOCAL);
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            Verdict verdict = limiter.decide(policy, "k", 1, true);
            assertThat(verdict.mode()).isEqualTo(Mode.LOCAL);
            admitted += verdict.allowed() ? 1 : 0;
        }
        assertThat(admitted).as("half of 10 with two nodes").isEqualTo(5);

        liveNodes.set(5);
        Verdict other = limiter.decide(policy, "other", 2, true);
        assertThat(other.allowed()).isTrue();
        assertThat(limiter.decide(policy, "other", 1, true).allowed()).as("a fifth of 10 is 2").isFalse();
    }

    @Test
    void aDecisionRedisMayHaveCountedIsNeverAdmittedFromTheLocalShare() {
        Policy policy = new Policy("u", 10, 1, FailureMode.LOCAL);
        storeUp.set(false);
        delivery.set(Delivery.UNCONFIRMED);
        for (int i = 0; i < 20; i++) {
            Verdict verdict = limiter.decide(policy, "k", 1, true);
            assertThat(verdict.mode()).as("decided by this node, and it says so").isEqualTo(Mode.LOCAL);
            assertThat(verdict.undecided()).isTrue();
            assertThat(verdict.allowed()).isFalse();
        }
        assertThat(limiter.decide(policy, "k", 1, false).allowed()).as("a look takes nothing anywhere: answered locally").isTrue();
        delivery.set(Delivery.NOT_SENT);
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += limiter.decide(policy, "k", 1, true).allowed() ? 1 : 0;
        }
        assertThat(admitted).as("the local share was untouched by the unconfirmed calls").isEqualTo(5);
    }

    @Test
    void backToGlobalWhenTheStoreReturns() {
        Policy policy = new Policy("l", 1, 1, FailureMode.LOCAL);
        storeUp.set(false);
        assertThat(limiter.decide(policy, "k", 1, true).mode()).isEqualTo(Mode.LOCAL);
        storeUp.set(true);
        Verdict verdict = limiter.decide(policy, "k", 1, true);
        assertThat(verdict.mode()).isEqualTo(Mode.GLOBAL);
        assertThat(verdict.allowed()).as("the global bucket was untouched during the outage").isTrue();
    }

    @Test
    void permitsOutsideOneToCapacityAreABug() {
        Policy policy = new Policy("p", 3, 1, FailureMode.OPEN);
        assertThatThrownBy(() -> limiter.decide(policy, "k", 4, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.decide(policy, "k", 0, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
