package lab.idgen.config;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.idgen.core.IdGenerator;
import lab.idgen.lease.ZooKeeperWorkerLease;
import lab.idgen.reservation.LocalHighWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts before the web server (the first local mark is on disk before any request) and stops
 * after it drained: then it gives the lease back and persists the exact time of the last ID.
 */
public final class IdGeneratorLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdGeneratorLifecycle.class);

    private final IdGenerator generator;
    private final LocalHighWaterMark localMark;
    private final ZooKeeperWorkerLease leases;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public IdGeneratorLifecycle(IdGenerator generator, LocalHighWaterMark localMark, ZooKeeperWorkerLease leases) {
        this.generator = generator;
        this.localMark = localMark;
        this.leases = leases;
    }

    @Override
    public void start() {
        localMark.tick();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("idgen-hwm").daemon().factory());
        long every = Math.max(10, localMark.windowMillis() / 8);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                localMark.tick();
            } catch (RuntimeException e) {
                // Logged and counted by the mark; the generator stops at the last persisted mark.
            }
        }, every, every, TimeUnit.MILLISECONDS);
        leases.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        leases.close();
        long last = generator.revoke();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        try {
            localMark.persistFinal(last);
        } catch (RuntimeException e) {
            log.warn("Could not persist the final high-water mark; the reservation on disk stays (safe, just further ahead)");
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Early to start, late to stop: after the web server finished its graceful shutdown. */
    @Override
    public int getPhase() {
        return 0;
    }
}
