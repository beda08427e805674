package lab.idgen.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lab.cluster.infra.Infrastructure;
import lab.idgen.core.IdGenerator;
import lab.idgen.core.IdLayout;
import lab.idgen.core.IdRefusedException;
import lab.idgen.core.TimeSource;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worker ID leases against a real ZooKeeper server (the launcher's, a process of its own with a
 * 500 ms tick so that 4 s sessions are granted), several worker leases in this JVM.
 */
class ZooKeeperWorkerLeaseIT {

    private static final Duration SESSION = Duration.ofSeconds(4);
    private static final Duration MARGIN = Duration.ofMillis(1000);
    private static final Duration PROBE = Duration.ofMillis(250);

    private Infrastructure infrastructure;
    private CuratorFramework admin;
    private final List<Node> nodes = new ArrayList<>();

    /** What one id-generator node runs: a generator, a Curator session and the worker lease. */
    final class Node implements AutoCloseable {
        final String name;
        final IdGenerator generator;
        final CuratorFramework client;
        final ZooKeeperWorkerLease leases;

        Node(String name, IdLayout layout, int preferred) {
            this.name = name;
            this.generator = new IdGenerator(layout, TimeSource.SYSTEM, 5_000, 0, null);
            generator.raiseLocalLimit(Long.MAX_VALUE / 4);
            this.client = CuratorFrameworkFactory.builder().connectString(infrastructure.zookeeperConnect())
                    .sessionTimeoutMs((int) SESSION.toMillis()).connectionTimeoutMs(1000).retryPolicy(new RetryOneTime(100)).build();
            client.start();
            this.leases = new ZooKeeperWorkerLease(client, new LeaseSettings("/idgen", name, layout.workerIdCount(), MARGIN, PROBE,
                    Duration.ofSeconds(5), preferred), generator, TimeSource.SYSTEM, new SimpleMeterRegistry(), id -> { });
            leases.start();
            nodes.add(this);
        }

        Integer workerId() {
            return leases.view().workerId();
        }

        @Override
        public void close() {
            leases.close();
            client.close();
        }
    }

    @BeforeEach
    void startZooKeeper() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "zookeeper-lease-it")).toAbsolutePath();
        infrastructure = Infrastructure.builder(Files.createTempDirectory(dir, "run-"))
                .zookeeper().zookeeperTickTime(Duration.ofMillis(500)).start();
        admin = CuratorFrameworkFactory.newClient(infrastructure.zookeeperConnect(), new RetryOneTime(100));
        admin.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Node node : nodes) {
            node.close();
        }
        admin.close();
        infrastructure.close();
    }

    private Node startNode(String name) {
        return new Node(name, IdLayout.DEFAULT, -1);
    }

    private static void awaitValid(Node node) {
        await().atMost(Duration.ofSeconds(20)).until(node.leases::validNow);
    }

    private WorkerRecord record(int workerId) throws Exception {
        return WorkerRecord.parse(admin.getData().forPath("/idgen/workers/" + workerId));
    }

    @Test
    void nodesLeaseDistinctWorkerIdsAndIssueUnderThem() throws Exception {
        Node a = startNode("idgen-1");
        Node b = startNode("idgen-2");
        awaitValid(a);
        awaitValid(b);
        assertThat(a.workerId()).isNotEqualTo(b.workerId());
        assertThat(IdLayout.DEFAULT.decode(a.generator.nextId()).workerId()).isEqualTo(a.workerId());
        assertThat(IdLayout.DEFAULT.decode(b.generator.nextId()).workerId()).isEqualTo(b.workerId());

        Stat stat = admin.checkExists().forPath("/idgen/leases/" + a.workerId());
        assertThat(stat.getEphemeralOwner()).as("the lease is an ephemeral znode of a's session")
                .isEqualTo(a.client.getZookeeperClient().getZooKeeper().getSessionId());
        WorkerRecord record = record(a.workerId());
        assertThat(record.epoch()).isEqualTo(1);
        assertThat(record.node()).isEqualTo("idgen-1");
        assertThat(record.highWaterMarkMillis()).as("the worker's mark is ahead of the clock by more than the session timeout")
                .isGreaterThan(System.currentTimeMillis() + SESSION.toMillis() - 1000);
        assertThat(a.leases.view().freeWorkerIds()).isLessThanOrEqualTo(1023);
    }

    @Test
    void aReleasedWorkerIdIsReacquiredWithANewEpochAboveThePreviousHoldersIds() throws Exception {
        Node a = startNode("idgen-1");
        awaitValid(a);
        int worker = a.workerId();
        long lastOfA = IdLayout.DEFAULT.unixMillisOf(a.generator.issue(100).ids()[99]);
        a.close();
        nodes.remove(a);
        assertThat(admin.checkExists().forPath("/idgen/leases/" + worker)).as("released at once on shutdown").isNull();
        assertThat(record(worker).highWaterMarkMillis()).as("the final mark is the last ID's time").isEqualTo(lastOfA);

        Node c = new Node("idgen-3", IdLayout.DEFAULT, worker);
        awaitValid(c);
        assertThat(c.workerId()).isEqualTo(worker);
        assertThat(c.leases.view().epoch()).isEqualTo(2);
        assertThat(record(worker).epoch()).isEqualTo(2);
        assertThat(IdLayout.DEFAULT.unixMillisOf(c.generator.nextId())).isGreaterThan(lastOfA);
    }

    @Test
    void workerIdsRunOutAndAreReclaimedWhenAHolderLeaves() {
        // One worker bit: two worker IDs for three nodes.
        IdLayout tiny = new IdLayout(IdLayout.DEFAULT_EPOCH, 50, 1, 12);
        Node a = new Node("idgen-1", tiny, -1);
        Node b = new Node("idgen-2", tiny, -1);
        awaitValid(a);
        awaitValid(b);
        Node c = new Node("idgen-3", tiny, -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.leases.status().contains("no free worker ID"));
        assertThat(c.leases.validNow()).isFalse();
        assertThat(c.leases.view().freeWorkerIds()).isZero();
        try {
            c.generator.nextId();
            throw new AssertionError("issued without a lease");
        } catch (IdRefusedException refused) {
            assertThat(refused.reason()).isEqualTo(IdRefusedException.Reason.NO_LEASE);
        }
        int freed = a.workerId();
        a.close();
        nodes.remove(a);
        awaitValid(c);
        assertThat(c.workerId()).isEqualTo(freed);
    }

    @Test
    void anExpiredSessionLosesTheLeaseAndANewOneIsAcquiredWithAHigherEpoch() throws Exception {
        Node a = startNode("idgen-1");
        awaitValid(a);
        int first = a.workerId();
        long oldSession = a.client.getZookeeperClient().getZooKeeper().getSessionId();
        // What Curator's test KillSession does: the client sees its session expire.
        a.client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.leases.history().size() == 2 && a.leases.validNow());
        assertThat(a.client.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(oldSession);
        LeaseHistory.Entry ended = a.leases.history().get(1);
        assertThat(ended.workerId()).isEqualTo(first);
        assertThat(ended.endReason()).isEqualTo("session-expired");
        LeaseView now = a.leases.view();
        assertThat(record(now.workerId()).epoch()).isEqualTo(now.epoch());
        if (now.workerId() == first) {
            assertThat(now.epoch()).isEqualTo(2);
        }
    }

    @Test
    void aHolderWhoseRecordWasTakenOverIsFencedAndStopsIssuing() throws Exception {
        Node a = startNode("idgen-1");
        awaitValid(a);
        int worker = a.workerId();
        // What a successor's epoch bump looks like to the old holder: the record's version moved on.
        WorkerRecord current = record(worker);
        admin.setData().forPath("/idgen/workers/" + worker,
                new WorkerRecord(current.epoch() + 1, current.highWaterMarkMillis(), "intruder", Instant.now()).toBytes());
        await().atMost(Duration.ofSeconds(20)).until(() -> a.leases.history().stream().anyMatch(e -> "fenced".equals(e.endReason())));
        assertThat(a.leases.history().getLast().workerId()).isEqualTo(worker);
        // It gave the fenced lease up and acquired anew: if the same worker ID, then with a newer epoch.
        awaitValid(a);
        if (a.workerId() == worker) {
            assertThat(a.leases.view().epoch()).isEqualTo(current.epoch() + 2);
        }
    }

    @Test
    void whenZooKeeperIsDownTheLeaseStaysValidUntilTheMarginThenIssuingStopsAndResumesAfterwards() throws Exception {
        Node a = startNode("idgen-1");
        Node b = startNode("idgen-2");
        awaitValid(a);
        awaitValid(b);
        int workerOfA = a.workerId();
        long epochOfA = a.leases.view().epoch();
        // ZooKeeper is a process that answers until it has gone, between the stop call and its return:
        // the lower bound below counts from the call, the upper bound from the return.
        Instant stoppedAt = Instant.now();
        infrastructure.zookeeper().stop();
        Instant stopReturnedAt = Instant.now();
        await().atMost(SESSION.plusSeconds(10)).until(() -> !a.leases.validNow());
        try {
            a.generator.nextId();
            throw new AssertionError("issued without a provably valid lease");
        } catch (IdRefusedException refused) {
            assertThat(refused.reason()).isEqualTo(IdRefusedException.Reason.NO_LEASE);
        }
        // Once the session is given up, the history says until when the lease was provably valid.
        await().atMost(SESSION.plusSeconds(10)).until(() -> a.leases.history().stream()
                .anyMatch(e -> e.workerId() == workerOfA && e.epoch() == epochOfA && e.lastValidAt() != null));
        Instant lastValid = a.leases.history().stream().filter(e -> e.workerId() == workerOfA && e.epoch() == epochOfA)
                .findFirst().orElseThrow().lastValidAt();
        // Valid until the last successful probe (at most one interval before the stop, more on a starved CPU)
        // plus the session timeout minus the margin; never later, since that probe was sent before the server went.
        assertThat(lastValid).isAfter(stoppedAt.plus(SESSION).minus(MARGIN).minus(PROBE).minusMillis(1000));
        assertThat(lastValid).isBeforeOrEqualTo(stopReturnedAt.plus(SESSION).minus(MARGIN).plusMillis(50));

        infrastructure.zookeeper().startAndAwaitReady(Duration.ofSeconds(60));
        awaitValid(a);
        awaitValid(b);
        assertThat(a.workerId()).isNotEqualTo(b.workerId());
        assertThat(IdLayout.DEFAULT.decode(a.generator.nextId()).workerId()).isEqualTo(a.workerId());
        // Whatever a holds now, its earlier lease on workerOfA ended before anyone else could hold it again.
        assertThat(a.leases.history()).anyMatch(e -> e.workerId() == workerOfA);
    }
}
