package lab.idgen.config;

import lab.idgen.lease.LeaseView;
import lab.idgen.lease.ZooKeeperWorkerLease;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness: up only while the node holds a lease it can prove valid. */
public final class WorkerLeaseHealthIndicator implements HealthIndicator {

    private final ZooKeeperWorkerLease leases;

    public WorkerLeaseHealthIndicator(ZooKeeperWorkerLease leases) {
        this.leases = leases;
    }

    @Override
    public Health health() {
        LeaseView view = leases.view();
        Health.Builder builder = "valid".equals(view.state()) ? Health.up() : Health.outOfService();
        builder.withDetail("state", view.state()).withDetail("status", view.status());
        if (view.workerId() != null) {
            builder.withDetail("workerId", view.workerId()).withDetail("epoch", view.epoch())
                    .withDetail("remainingMillis", view.remainingMillis());
        }
        return builder.build();
    }
}
