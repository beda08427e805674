package lab.idgen.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.Lease;
import lab.idgen.core.TimeSource;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
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
public final class ZooKeeperLeaseManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperLeaseManager.class);
    private static final int HISTORY_SIZE = 20;

    private final CuratorFramework client;
    private final LeaseSettings settings;
    private final IdGenerator generator;
    private final TimeSource time;
    private final IntConsumer onAcquired;
    private final ScheduledExecutorService executor;
    private final Counter acquisitions;
    private final Counter recordWrites;
    private final Counter recordWriteFailures;
    private final MeterRegistry meters;
    private final Deque<LeaseHistoryEntry> history = new ArrayDeque<>();

    private volatile Held held;
    private volatile String status = "starting: not connected to ZooKeeper yet";
    private volatile int freeWorkerIds = -1;
    private volatile boolean closed;
    private int ticks;

    private static final class Held {
        final Lease lease;
        final long sessionId;
        final long sessionTimeoutMillis;
        final long validityNanos;
        final long window;
        final long threshold;
        int recordVersion;

        Held(Lease lease, long sessionId, long sessionTimeoutMillis, LeaseSettings settings, int recordVersion) {
            this.lease = lease;
            this.sessionId = sessionId;
            this.sessionTimeoutMillis = sessionTimeoutMillis;
            this.validityNanos = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMillis - settings.safetyMargin().toMillis());
            long probe = settings.probeInterval().toMillis();
            // Far enough ahead that a holder cut off from ZooKeeper loses validity before it reaches the mark.
            this.window = sessionTimeoutMillis + settings.safetyMargin().toMillis() + 2 * probe;
            this.threshold = sessionTimeoutMillis + probe;
            this.recordVersion = recordVersion;
        }
    }

    /** One lease this node held, for the operator API and for tests that check exclusivity. */
    public record LeaseHistoryEntry(int workerId, long epoch, Instant acquiredAt, Instant endedAt, Instant lastValidAt, String endReason) {
    }

    /** What the node believes about its lease right now. */
    public record View(String state, Integer workerId, Long epoch, Integer fencingVersion, Instant acquiredAt, Instant validUntil,
                       long remainingMillis, String sessionId, Long sessionTimeoutMillis, long safetyMarginMillis,
                       Long reservedUntilMillis, String status, int freeWorkerIds, int workerIdCount, List<LeaseHistoryEntry> history) {
    }

    public ZooKeeperLeaseManager(CuratorFramework client, LeaseSettings settings, IdGenerator generator, TimeSource time,
                                 MeterRegistry meters, IntConsumer onAcquired) {
        this.client = client;
        this.settings = settings;
        this.generator = generator;
        this.time = time;
        this.meters = meters;
        this.onAcquired = onAcquired;
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("idgen-lease").daemon().factory());
        this.acquisitions = Counter.builder("idgen.lease.acquisitions").description("Worker ID leases acquired").register(meters);
        this.recordWrites = Counter.builder("idgen.hwm.writes").tag("store", "zookeeper")
                .description("Writes of a time high-water mark (local file or the worker's ZooKeeper record)").register(meters);
        this.recordWriteFailures = Counter.builder("idgen.hwm.write.failures").tag("store", "zookeeper")
                .description("Failed writes of a time high-water mark").register(meters);
        for (String reason : List.of("session-expired", "node-deleted", "fenced", "shutdown")) {
            lossCounter(reason);
        }
        Gauge.builder("idgen.lease.valid", this, m -> m.validNow() ? 1 : 0)
                .description("1 while the node holds a lease it can prove valid, else 0").register(meters);
        Gauge.builder("idgen.lease.remaining", this, m -> m.remainingMillis() / 1000.0).baseUnit("seconds")
                .description("How long the lease stays provably valid without another answer from ZooKeeper").register(meters);
        Gauge.builder("idgen.lease.worker.id", this, m -> {
            Held h = m.held;
            return h == null ? -1 : h.lease.workerId();
        }).description("The leased worker ID, -1 when none").register(meters);
        Gauge.builder("idgen.lease.epoch", this, m -> {
            Held h = m.held;
            return h == null ? 0 : h.lease.epoch();
        }).description("The fencing epoch of the held lease").register(meters);
        Gauge.builder("idgen.lease.free.workers", this, m -> m.freeWorkerIds)
                .description("Worker IDs not leased by any node, as last seen (-1 before the first look)").register(meters);
    }

    private Counter lossCounter(String reason) {
        return Counter.builder("idgen.lease.losses").tag("reason", reason).description("Worker ID leases lost or given up").register(meters);
    }

    public void start() {
        client.getConnectionStateListenable().addListener((c, state) -> connectionStateChanged(state));
        executor.scheduleWithFixedDelay(this::tick, 0, settings.probeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connectionStateChanged(ConnectionState state) {
        Held h = held;
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
            Held current = held;
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
                countFree();
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

    private boolean probe(Held h) throws Exception {
        long sent = time.nanoTime();
        Stat stat = client.checkExists().forPath(settings.leasePath(h.lease.workerId()));
        if (stat == null) {
            lose(h, "node-deleted", "its lease znode is gone");
            return false;
        }
        if (stat.getEphemeralOwner() != h.sessionId) {
            lose(h, "node-deleted", "its lease znode belongs to another session");
            return false;
        }
        h.lease.extendValidity(sent + h.validityNanos);
        return true;
    }

    /** Raises the worker's shared mark when less than the threshold is left, or to cover {@code neededMillis}. */
    private void extend(Held h, long neededMillis) throws Exception {
        long base = Math.max(Math.max(time.currentMillis(), generator.lastMillis()), neededMillis);
        if (h.lease.reservedUntilMillis() - base >= h.threshold) {
            return;
        }
        long target = base + h.window;
        byte[] record = new WorkerRecord(h.lease.epoch(), target, settings.nodeId(), Instant.now()).toBytes();
        try {
            Stat stat = client.setData().withVersion(h.recordVersion).forPath(settings.workerPath(h.lease.workerId()), record);
            h.recordVersion = stat.getVersion();
            h.lease.raiseReservation(target);
            recordWrites.increment();
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            recordWriteFailures.increment();
            lose(h, "fenced", "its worker record was changed by another holder (fenced)");
        } catch (Exception e) {
            recordWriteFailures.increment();
            throw e;
        }
    }

    private void countFree() throws Exception {
        freeWorkerIds = settings.workerIdCount() - takenWorkerIds().size();
    }

    private Set<Integer> takenWorkerIds() throws Exception {
        Set<Integer> taken = new HashSet<>();
        try {
            for (String child : client.getChildren().forPath(settings.leasesPath())) {
                try {
                    taken.add(Integer.parseInt(child));
                } catch (NumberFormatException ignored) {
                    // Not ours.
                }
            }
        } catch (KeeperException.NoNodeException none) {
            // Nobody ever leased a worker ID.
        }
        return taken;
    }

    private record ReadRecord(WorkerRecord record, int version) {
    }

    private ReadRecord readRecord(int workerId) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(settings.workerPath(workerId));
            return new ReadRecord(WorkerRecord.parse(data), stat.getVersion());
        } catch (KeeperException.NoNodeException none) {
            return null;
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
        Set<Integer> taken = takenWorkerIds();
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
            ReadRecord current = readRecord(id);
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

    private boolean take(int workerId, ReadRecord current, long sessionId, long sessionTimeoutMillis) throws Exception {
        String leasePath = settings.leasePath(workerId);
        long sent = time.nanoTime();
        byte[] leaseData = ("node=" + settings.nodeId() + "\nacquiredAt=" + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(leasePath, leaseData);
        } catch (KeeperException.NodeExistsException e) {
            // Someone else's, or ours from a create whose answer was lost: the owner check below decides.
        }
        Stat own = client.checkExists().forPath(leasePath);
        if (own == null || own.getEphemeralOwner() != sessionId) {
            return false;
        }
        long previousMark = current == null ? 0 : current.record().highWaterMarkMillis();
        long epoch = (current == null ? 0 : current.record().epoch()) + 1;
        Held probeShape = new Held(null, sessionId, sessionTimeoutMillis, settings, 0);
        long target = Math.max(time.currentMillis(), Math.max(previousMark, generator.lastMillis())) + probeShape.window;
        byte[] record = new WorkerRecord(epoch, target, settings.nodeId(), Instant.now()).toBytes();
        int version;
        try {
            if (current == null) {
                client.create().creatingParentsIfNeeded().forPath(settings.workerPath(workerId), record);
                version = 0;
            } else {
                version = client.setData().withVersion(current.version()).forPath(settings.workerPath(workerId), record).getVersion();
            }
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException raced) {
            log.warn("Worker {}'s record changed while taking it; letting it go", workerId);
            deleteIfOwned(leasePath, sessionId);
            return false;
        }
        Lease lease = new Lease(workerId, epoch, Instant.now(), sent + probeShape.validityNanos, target);
        Held h = new Held(lease, sessionId, sessionTimeoutMillis, settings, version);
        generator.assign(lease, previousMark);
        held = h;
        acquisitions.increment();
        recordWrites.increment();
        freeWorkerIds = Math.max(0, freeWorkerIds - 1);
        status = "holding worker ID " + workerId;
        synchronized (history) {
            history.addFirst(new LeaseHistoryEntry(workerId, epoch, lease.acquiredAt(), null, null, null));
            while (history.size() > HISTORY_SIZE) {
                history.removeLast();
            }
        }
        log.info("Leased worker ID {} (epoch {}, session 0x{}, timeout {} ms); the previous holders' high-water mark was {}",
                workerId, epoch, Long.toHexString(sessionId), sessionTimeoutMillis,
                previousMark == 0 ? "none" : Instant.ofEpochMilli(previousMark));
        onAcquired.accept(workerId);
        return true;
    }

    private void lose(Held h, String reasonTag, String why) {
        if (held != h) {
            return;
        }
        Instant lastValid = wallClockOf(h.lease.validUntilNanos());
        h.lease.markLost();
        generator.revoke(h.lease);
        held = null;
        status = "lost worker ID " + h.lease.workerId() + ": " + why;
        lossCounter(reasonTag).increment();
        endHistory(h, reasonTag, lastValid);
        log.warn("Lost {}: {}; no IDs until a new lease", h.lease, why);
        if (!"session-expired".equals(reasonTag)) {
            // Still ours (fenced): give the worker ID back now rather than when the session ends.
            deleteIfOwned(settings.leasePath(h.lease.workerId()), h.sessionId);
        }
    }

    private void endHistory(Held h, String reason, Instant lastValid) {
        Instant now = Instant.now();
        Instant end = lastValid.isBefore(now) ? lastValid : now;
        synchronized (history) {
            List<LeaseHistoryEntry> entries = new ArrayList<>(history);
            history.clear();
            for (LeaseHistoryEntry e : entries) {
                if (e.endedAt() == null && e.workerId() == h.lease.workerId() && e.epoch() == h.lease.epoch()) {
                    e = new LeaseHistoryEntry(e.workerId(), e.epoch(), e.acquiredAt(), now, end, reason);
                }
                history.addLast(e);
            }
        }
    }

    private Instant wallClockOf(long nanos) {
        return Instant.now().plusNanos(nanos - time.nanoTime());
    }

    private void deleteIfOwned(String path, long sessionId) {
        try {
            Stat stat = client.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == sessionId) {
                client.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (Exception e) {
            log.debug("Could not delete {}: {}", path, e.toString());
        }
    }

    /**
     * Raises the worker's shared mark to cover {@code millis} now (after a forward clock jump),
     * waiting at most {@code timeout}; false when it could not.
     */
    public boolean reserveThrough(long millis, Duration timeout) {
        Held h = held;
        if (h == null) {
            return false;
        }
        if (h.lease.reservedUntilMillis() >= millis) {
            return true;
        }
        try {
            return executor.submit(() -> {
                Held current = held;
                if (current == null) {
                    return false;
                }
                extend(current, millis);
                return current.lease.reservedUntilMillis() >= millis;
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    public boolean validNow() {
        Held h = held;
        return h != null && h.lease.validAt(time.nanoTime());
    }

    public long remainingMillis() {
        Held h = held;
        if (h == null || h.lease.lost()) {
            return 0;
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(h.lease.validUntilNanos() - time.nanoTime()));
    }

    public String status() {
        return status;
    }

    public List<LeaseHistoryEntry> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    public View view() {
        Held h = held;
        long margin = settings.safetyMargin().toMillis();
        if (h == null) {
            return new View("none", null, null, null, null, null, 0, null, null, margin, null, status, freeWorkerIds,
                    settings.workerIdCount(), history());
        }
        boolean valid = h.lease.validAt(time.nanoTime());
        return new View(valid ? "valid" : "unproven", h.lease.workerId(), h.lease.epoch(), h.recordVersion, h.lease.acquiredAt(),
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
            executor.submit(() -> {
                long last = generator.revoke();
                Held h = held;
                if (h == null) {
                    return;
                }
                held = null;
                h.lease.markLost();
                try {
                    if (client.getZookeeperClient().isConnected() && h.sessionId == client.getZookeeperClient().getZooKeeper().getSessionId()) {
                        byte[] record = new WorkerRecord(h.lease.epoch(), last, settings.nodeId(), Instant.now()).toBytes();
                        client.setData().withVersion(h.recordVersion).forPath(settings.workerPath(h.lease.workerId()), record);
                        recordWrites.increment();
                        deleteIfOwned(settings.leasePath(h.lease.workerId()), h.sessionId);
                        log.info("Released {}; its high-water mark is now the last issued ID's time {}", h.lease, Instant.ofEpochMilli(last));
                    }
                } catch (Exception e) {
                    log.warn("Could not release {} cleanly ({}); it is reclaimed when the session expires", h.lease, e.toString());
                }
                lossCounter("shutdown").increment();
                endHistory(h, "shutdown", wallClockOf(h.lease.validUntilNanos()));
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            log.warn("Lease release did not finish: {}", e.toString());
        } finally {
            executor.shutdownNow();
        }
    }
}
