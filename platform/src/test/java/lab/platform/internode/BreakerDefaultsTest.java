package lab.platform.internode;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import lab.platform.testapp.KitHttpTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A node that starts before its peers fails its first calls to them; the kit's breaker config
 * must let it recover within seconds once they are up, not after Resilience4j's default minute.
 */
class BreakerDefaultsTest extends KitHttpTest {

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    void perPeerBreakersAreTimeBasedAndShortLived() {
        CircuitBreakerConfig config = breakers.getConfiguration(InterNodeClient.BREAKER_CONFIG).orElseThrow();
        assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.TIME_BASED);
        assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
        assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(Duration.ofSeconds(2).toMillis());
        assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
    }
}
