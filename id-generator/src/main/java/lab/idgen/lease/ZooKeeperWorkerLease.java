package lab.idgen.lease;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.Lease;
import lab.idgen.core.TimeSource;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases worker IDs from ZooKeeper instead of configuring them by hand (hand-set, IP- or
 * pod-derived worker IDs are how two Snowflake nodes end up with the same one).
 *
 * <h2>The lease</h2>
 * Holding worker ID {@code w} means owning the ephemeral znode {@code <root>/leases/w}: ZooKeeper
 * lets one session create it, and deletes it when that session ends or expires, which is how an
 * expired worker ID is reclaimed. On acquisition the node bumps the fencing {@code epoch} of the
 * persistent record {@code <root>/workers/w} with a version-checked write; every later write is
 * version-checked too, so a holder that was replaced can never write again.
 *
 * <h2>Validity</h2>
 * A session can be expired by the server while the client still believes in it. So the node
 * never trusts its connection state alone: every {@code probeInterval} it reads its lease node
 * and checks the owner is its session. A successful read sent at monotonic time {@code t} proves
 * the server heard from the session after {@code t}, so the session (and the znode) lives at
 * least until {@code t + sessionTimeout}. The node issues IDs only until
 * {@code t + sessionTimeout - safetyMargin}; if ZooKeeper is unreachable it keeps serving that
 * long and then refuses. Nobody else can create the znode before it is deleted, which is after
 * that instant: two nodes never hold the same worker ID at the same time.
 *
 * <h2>Time high-water mark per worker</h2>
 * The record also carries the worker's high-water mark: the holder raises it a window ahead of
 * the IDs it issues (further than the validity can reach without ZooKeeper), and a new holder
 * starts above it, so a holder whose clock is behind its predecessor's cannot reissue an ID.
 * Free worker IDs whose mark is further ahead of this node's clock than it may borrow are skipped.
 *
 * <p>All ZooKeeper work runs on one thread; the generator reads the lease through volatile fields.
 */
public final class ZooKeeperWorkerLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperWorkerLease.class);

    private final CuratorFramework client;
    private final WorkerZnodes znodes;
    private final LeaseSettings settings;
    private final IdGenerator generator;
    private final TimeSource time;
    private final IntConsumer onAcquired;
    private final ScheduledExecutorService executor;
    private final LeaseMetrics metrics;
    private final LeaseHistory history = new LeaseHistory();

    private volatile HeldLease held;
    private volatile String status = "starting: not connected to ZooKeeper yet";
    private volatile int freeWorkerIds = -1;
    private volatile boolean closed;
    private int ticks;

    public ZooKeeperWorkerLease(CuratorFramework client, LeaseSettings settings, IdGenerator generator, TimeSource time,
                                MeterRegistry meters, IntConsumer onAcquired) {
        this.client = client;
        this.znodes = new WorkerZnodes(client, settings);
        this.settings = settings;
        this.generator = generator;
        this.time = time;
        this.onAcquired = onAcquired;
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("idgen-lease").daemon().factory());
        this.metrics = new LeaseMetrics(meters, this);
    }

    public void start() {
        client.getConnectionStateListenable().addListener((c, state) -> connectionStateChanged(state));
        executor.scheduleWithFixedDelay(this::tick, 0, settings.probeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connectionStateChanged(ConnectionState state) {
        HeldLease h = held;
        switch (state) {
            case LOST -> {
                if (h != null) {
                    h.lease.markLost();
                    executor.execute(() -> lose(h, "session-expired", "the ZooKeeper session is lost"));
                }
                log.warn("ZooKeeper session lost; no worker ID is held until a new session gets one");
            }
            case SUSPENDED -> log.warn("Connection to ZooKeeper suspended; {} stays valid for at most {} ms, then this node refuses IDs",
                    h == null ? "no lease" : h.lease, remainingMillis());
            case CONNECTED, RECONNECTED -> {
                log.info("Connected to ZooKeeper ({})", state);
                executor.execute(this::tick);
            }
            default -> {
            }
        }
    }

    /** One round: re-check or acquire the lease, renew its validity, raise the worker's mark. */
    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (!client.getZookeeperClient().isConnected()) {
                if (held == null) {
                    status = "not connected to ZooKeeper";
                }
                return;
            }
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            long sessionId = zk.getSessionId();
            HeldLease current = held;
            if (current != null && current.sessionId != sessionId) {
                lose(current, "session-expired", "the ZooKeeper session changed (the old one expired)");
                current = null;
            }
            if (current == null) {
                acquire(sessionId, zk.getSessionTimeout());
                return;
            }
            if (probe(current) && held == current) {
                extend(current, 0);
            }
            if (++ticks % 10 == 0) {
                freeWorkerIds = settings.workerIdCount() - znodes.leasedWorkerIds().size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Lease round failed: {}", e.toString());
            if (held == null) {
                status = "cannot reach ZooKeeper: " + e.getClass().getSimpleName();
            }
        }
    }

    private boolean probe(HeldLease h) throws Exception {
        long sent = time.nanoTime();
        Long owner = znodes.leaseOwner(h.lease.workerId());
        if (owner == null) {
            lose(h, "node-deleted", "its lease znode is gone");
            return false;
        }
        if (owner != h.sessionId) {
            lose(h, "node-deleted", "its lease znode belongs to another session");
            return false;
        }
        h.lease.extendValidity(sent + h.validityNanos);
        return true;
    }

    /** Raises the worker's shared mark when less than the threshold is left, or to cover {@code neededMillis}. */
    private void extend(HeldLease h, long neededMillis) throws Exception {
        long base = Math.max(Math.max(time.currentMillis(), generator.lastMillis()), neededMillis);
        if (h.lease.reservedUntilMillis() - base >= h.thresholdMillis) {
            return;
        }
        long target = base + h.windowMillis;
        WorkerRecord record = new WorkerRecord(h.lease.epoch(), target, settings.nodeId(), Instant.now());
        try {
            h.recordVersion = znodes.writeRecord(h.lease.workerId(), record, h.recordVersion);
            h.lease.raiseReservation(target);
            metrics.recordWrites.increment();
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            metrics.recordWriteFailures.increment();
            lose(h, "fenced", "its worker record was changed by another holder (fenced)");
        } catch (Exception e) {
            metrics.recordWriteFailures.increment();
            throw e;
        }
    }

    private void acquire(long sessionId, long sessionTimeoutMillis) throws Exception {
        long margin = settings.safetyMargin().toMillis();
        if (sessionTimeoutMillis - margin <= settings.probeInterval().toMillis()) {
            status = "the negotiated ZooKeeper session timeout (" + sessionTimeoutMillis + " ms) leaves no validity after the "
                    + margin + " ms safety margin; raise idgen.zookeeper.session-timeout or the server's maxSessionTimeout";
            log.error(status);
            return;
        }
        Set<Integer> taken = znodes.leasedWorkerIds();
        int count = settings.workerIdCount();
        freeWorkerIds = count - taken.size();
        LinkedHashSet<Integer> order = new LinkedHashSet<>();
        if (settings.preferredWorkerId() >= 0 && settings.preferredWorkerId() < count) {
            order.add(settings.preferredWorkerId());
        }
        for (int id = 0; id < count; id++) {
            order.add(id);
        }
        long now = time.currentMillis();
        long maxAhead = settings.maxBackward().toMillis();
        int tooFarAhead = 0;
        for (int id : order) {
            if (taken.contains(id)) {
                continue;
            }
            WorkerZnodes.VersionedRecord current = znodes.readRecord(id);
            if (current != null && current.record().highWaterMarkMillis() - now > maxAhead) {
                // Its last holder issued IDs further ahead of this node's clock than it may borrow.
                tooFarAhead++;
                continue;
            }
            if (take(id, current, sessionId, sessionTimeoutMillis)) {
                return;
            }
        }
        String previous = status;
        status = taken.size() >= count
                ? "no free worker ID: all " + count + " are leased; one is reclaimed when its holder's session expires"
                : "no usable worker ID: " + taken.size() + " of " + count + " are leased and " + tooFarAhead
                        + " free ones have a high-water mark more than " + maxAhead + " ms ahead of this node's clock";
        if (!status.equals(previous)) {
            log.error("Cannot lease a worker ID: {}", status);
        }
    }

    private boolean take(int workerId, WorkerZnodes.VersionedRecord current, long sessionId, long sessionTimeoutMillis) throws Exception {
        long sent = time.nanoTime();
        if (!znodes.createLease(workerId, sessionId)) {
            return false;
        }
        long previousMark = current == null ? 0 : current.record().highWaterMarkMillis();
        long epoch = (current == null ? 0 : current.record().epoch()) + 1;
        HeldLease shape = HeldLease.shapeFor(sessionTimeoutMillis, settings);
        long target = Math.max(time.currentMillis(), Math.max(previousMark, generator.lastMillis())) + shape.windowMillis;
        int version;
        try {
            version = znodes.writeRecord(workerId, new WorkerRecord(epoch, target, settings.nodeId(), Instant.now()),
                    current == null ? null : current.version());
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException raced) {
            log.warn("Worker {}'s record changed while taking it; letting it go", workerId);
            znodes.deleteLeaseIfOwned(workerId, sessionId);
            return false;
        }
        Lease lease = new Lease(workerId, epoch, Instant.now(), sent + shape.validityNanos, target);
        HeldLease h = new HeldLease(lease, sessionId, sessionTimeoutMillis, settings, version);
        generator.assign(lease, previousMark);
        held = h;
        metrics.acquisitions.increment();
        metrics.recordWrites.increment();
        freeWorkerIds = Math.max(0, freeWorkerIds - 1);
        status = "holding worker ID " + workerId;
        history.started(workerId, epoch, lease.acquiredAt());
        log.info("Leased worker ID {} (epoch {}, session 0x{}, timeout {} ms); the previous holders' high-water mark was {}",
                workerId, epoch, Long.toHexString(sessionId), sessionTimeoutMillis,
                previousMark == 0 ? "none" : Instant.ofEpochMilli(previousMark));
        onAcquired.accept(workerId);
        return true;
    }

    private void lose(HeldLease h, String reasonTag, String why) {
        if (held != h) {
            return;
        }
        Instant lastValid = wallClockOf(h.lease.validUntilNanos());
        h.lease.markLost();
        generator.revoke(h.lease);
        held = null;
        status = "lost worker ID " + h.lease.workerId() + ": " + why;
        metrics.loss(reasonTag).increment();
        history.ended(h.lease.workerId(), h.lease.epoch(), reasonTag, lastValid);
        log.warn("Lost {}: {}; no IDs until a new lease", h.lease, why);
        if (!"session-expired".equals(reasonTag)) {
            // Still ours (fenced): give the worker ID back now rather than when the session ends.
            znodes.deleteLeaseIfOwned(h.lease.workerId(), h.sessionId);
        }
    }

    private Instant wallClockOf(long nanos) {
        return Instant.now().plusNanos(nanos - time.nanoTime());
    }

    /**
     * Raises the worker's shared mark to cover {@code millis} now (after a forward clock jump),
     * waiting at most {@code timeout}; false when it could not.
     */
    public boolean reserveThrough(long millis, Duration timeout) {
        HeldLease h = held;
        if (h == null) {
            return false;
        }
        if (h.lease.reservedUntilMillis() >= millis) {
            return true;
        }
        try {
            return executor.submit(() -> {
                HeldLease current = held;
                if (current == null) {
                    return false;
                }
                extend(current, millis);
                return current.lease.reservedUntilMillis() >= millis;
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    public boolean validNow() {
        HeldLease h = held;
        return h != null && h.lease.validAt(time.nanoTime());
    }

    public long remainingMillis() {
        HeldLease h = held;
        if (h == null || h.lease.lost()) {
            return 0;
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(h.lease.validUntilNanos() - time.nanoTime()));
    }

    /** The leased worker ID, -1 when none. */
    int heldWorkerId() {
        HeldLease h = held;
        return h == null ? -1 : h.lease.workerId();
    }

    /** The fencing epoch of the held lease, 0 when none. */
    long heldEpoch() {
        HeldLease h = held;
        return h == null ? 0 : h.lease.epoch();
    }

    int freeWorkerIds() {
        return freeWorkerIds;
    }

    public String status() {
        return status;
    }

    public List<LeaseHistory.Entry> history() {
        return history.snapshot();
    }

    public LeaseView view() {
        HeldLease h = held;
        long margin = settings.safetyMargin().toMillis();
        if (h == null) {
            return new LeaseView("none", null, null, null, null, null, 0, null, null, margin, null, status, freeWorkerIds,
                    settings.workerIdCount(), history());
        }
        boolean valid = h.lease.validAt(time.nanoTime());
        return new LeaseView(valid ? "valid" : "unproven", h.lease.workerId(), h.lease.epoch(), h.recordVersion, h.lease.acquiredAt(),
                wallClockOf(h.lease.validUntilNanos()), remainingMillis(), "0x" + Long.toHexString(h.sessionId),
                h.sessionTimeoutMillis, margin, h.lease.reservedUntilMillis(), status, freeWorkerIds, settings.workerIdCount(), history());
    }

    /**
     * Gives the lease back: stops the generator, writes the exact time of the last ID into the
     * worker's record (so the next holder need not start ahead of its clock) and deletes the
     * lease znode, so the worker ID is free at once instead of after the session timeout.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            executor.submit(this::release).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("Lease release did not finish: {}", e.toString());
        } finally {
            executor.shutdownNow();
        }
    }

    private void release() {
        long last = generator.revoke();
        HeldLease h = held;
        if (h == null) {
            return;
        }
        held = null;
        h.lease.markLost();
        try {
            if (client.getZookeeperClient().isConnected() && h.sessionId == client.getZookeeperClient().getZooKeeper().getSessionId()) {
                znodes.writeRecord(h.lease.workerId(), new WorkerRecord(h.lease.epoch(), last, settings.nodeId(), Instant.now()),
                        h.recordVersion);
                metrics.recordWrites.increment();
                znodes.deleteLeaseIfOwned(h.lease.workerId(), h.sessionId);
                log.info("Released {}; its high-water mark is now the last issued ID's time {}", h.lease, Instant.ofEpochMilli(last));
            }
        } catch (Exception e) {
            log.warn("Could not release {} cleanly ({}); it is reclaimed when the session expires", h.lease, e.toString());
        }
        metrics.loss("shutdown").increment();
        history.ended(h.lease.workerId(), h.lease.epoch(), "shutdown", wallClockOf(h.lease.validUntilNanos()));
    }
}
