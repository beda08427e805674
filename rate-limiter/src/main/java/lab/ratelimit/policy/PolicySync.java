package lab.ratelimit.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import lab.ratelimit.redis.RedisUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link Policies} equal to the cluster's set in Redis: re-read on every
 * change message (within milliseconds) and on a timer (within {@code ratelimit.policy-refresh-millis},
 * for messages lost while reconnecting). When Redis comes back empty (it was restarted without
 * persistence) the first node to notice writes the set it holds back, so runtime changes
 * survive a Redis restart as long as one limiter node stays up.
 */
public final class PolicySync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicySync.class);

    private final PolicyStore store;
    private final Policies policies;
    // One refresh at a time, off Lettuce's event loop (a blocking call there would deadlock it).
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("policy-sync").factory());
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final Counter refreshed;
    private final Counter failed;

    public PolicySync(PolicyStore store, Policies policies, MeterRegistry registry) {
        this.store = store;
        this.policies = policies;
        this.refreshed = Counter.builder("ratelimit.policies.refresh").tag("outcome", "success").register(registry);
        this.failed = Counter.builder("ratelimit.policies.refresh").tag("outcome", "failure").register(registry);
        Gauge.builder("ratelimit.policies.version", policies, p -> p.current().version())
                .description("Version of the policy set this node enforces (0: its configuration, Redis never read)")
                .register(registry);
        Gauge.builder("ratelimit.policies.count", policies, p -> p.current().policies().size()).register(registry);
    }

    /** Asks for a refresh soon; many requests while one is pending collapse into one read. */
    public void requestRefresh() {
        if (queued.compareAndSet(false, true)) {
            worker.execute(() -> {
                queued.set(false);
                refreshNow();
            });
        }
    }

    /**
     * Reads the set from Redis and adopts it, seeding an empty store first; false when Redis could not be read.
     * Synchronized so that a slow older read can never be adopted after a newer one.
     */
    public synchronized boolean refreshNow() {
        try {
            PolicySet stored = store.read();
            if (stored.version() == 0) {
                PolicySet mine = policies.current();
                long version = Math.max(1, mine.version());
                if (store.seedIfEmpty(mine, version)) {
                    log.warn("Policy store in Redis was empty: wrote this node's {} policies ({} set, version {}) back",
                            mine.policies().size(), mine.source(), version);
                }
                stored = store.read();
            }
            if (policies.adopt(stored)) {
                log.info("Now enforcing policy set version {}: {}", stored.version(), stored.policies().keySet());
            }
            lastSuccess.set(Instant.now());
            refreshed.increment();
            return true;
        } catch (RedisUnavailableException e) {
            failed.increment();
            log.debug("Policy refresh skipped, Redis unavailable: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            failed.increment();
            log.error("Policy refresh failed: the stored set is unreadable; keeping version {}", policies.current().version(), e);
            return false;
        }
    }

    /** When the node last read the set from Redis successfully (null: never). */
    public Instant lastSuccess() {
        return lastSuccess.get();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
