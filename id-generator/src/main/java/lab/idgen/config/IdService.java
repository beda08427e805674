package lab.idgen.config;

import java.time.Duration;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdRefusedException;
import lab.idgen.lease.ZooKeeperWorkerLease;
import lab.idgen.reservation.LocalHighWaterMark;

/**
 * What the web layer calls: issue a batch, and when the generator stops at a high-water mark
 * (after the clock jumped forward past the persisted window) persist a higher one and try once
 * more, instead of refusing a request the node can serve.
 */
public final class IdService {

    private static final long EXTRA_RESERVATION_MILLIS = 1000;

    private final IdGenerator generator;
    private final LocalHighWaterMark localMark;
    private final ZooKeeperWorkerLease leases;

    public IdService(IdGenerator generator, LocalHighWaterMark localMark, ZooKeeperWorkerLease leases) {
        this.generator = generator;
        this.localMark = localMark;
        this.leases = leases;
    }

    public IdGenerator.Batch issue(int count) {
        try {
            return generator.issue(count);
        } catch (IdRefusedException refused) {
            if (refused.reason() != IdRefusedException.Reason.NOT_RESERVED) {
                throw refused;
            }
            long needed = refused.neededMillis() + EXTRA_RESERVATION_MILLIS;
            if (localMark.reserveThrough(needed) && leases.reserveThrough(needed, Duration.ofSeconds(1))) {
                return generator.issue(count);
            }
            throw refused;
        }
    }

    public IdGenerator generator() {
        return generator;
    }
}
