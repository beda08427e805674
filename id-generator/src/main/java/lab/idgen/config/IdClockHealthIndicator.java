package lab.idgen.config;

import lab.idgen.clock.OffsetClock;
import lab.idgen.core.IdGenerator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness: down while the clock is further behind the last issued ID than the node absorbs
 * (every request would be refused with {@code /problems/clock-rollback}), so a load balancer
 * sends traffic to another node instead.
 */
public final class IdClockHealthIndicator implements HealthIndicator {

    private final IdGenerator generator;
    private final OffsetClock clock;

    public IdClockHealthIndicator(IdGenerator generator, OffsetClock clock) {
        this.generator = generator;
        this.clock = clock;
    }

    @Override
    public Health health() {
        IdGenerator.State state = generator.state();
        long ahead = state.aheadOfClockMillis();
        Health.Builder builder = ahead > generator.maxBackwardMillis() ? Health.outOfService() : Health.up();
        return builder.withDetail("behindLastIdMillis", ahead)
                .withDetail("maxBackwardMillis", generator.maxBackwardMillis())
                .withDetail("offsetMillis", clock.offsetMillis())
                .build();
    }
}
