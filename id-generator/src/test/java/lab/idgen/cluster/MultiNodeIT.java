package lab.idgen.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import lab.cluster.LocalCluster;
import lab.idgen.cluster.IdgenClient.Answer;
import lab.idgen.core.IdLayout;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Several id-generator nodes as real processes against a real ZooKeeper, all started by the
 * local cluster's launcher ({@link LocalCluster}) the way {@code ./cluster} starts them: the
 * invariant of the case study, no duplicate ID, under load, SIGKILL with a clock set back, and a
 * ZooKeeper outage. Sessions are short here (4 s, margin 1 s; ZooKeeper's tick is 500 ms so it
 * grants them) so the drills take seconds.
 */
class MultiNodeIT {

    private static final IdLayout LAYOUT = IdLayout.DEFAULT;
    private static final long SESSION_MILLIS = 4_000;
    private static final long MARGIN_MILLIS = 1_000;
    private static final long PROBE_MILLIS = 250;
    /**
     * The rollback a node absorbs. Ten minutes, so that the restart drill's clock can be set back further
     * than a node's start takes on a loaded 2-core machine (50-90 s seen at load average 35).
     */
    private static final long MAX_BACKWARD_MILLIS = 600_000;
    /** How long a node may take to become ready: the CLI's bound, for the same machines. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    /** Spring properties as environment variables (relaxed binding: idgen.lease.safety-margin = IDGEN_LEASE_SAFETYMARGIN). */
    private static final Map<String, String> SETTINGS = Map.of(
            "IDGEN_ZOOKEEPER_SESSIONTIMEOUT", SESSION_MILLIS + "ms",
            "IDGEN_ZOOKEEPER_CONNECTIONTIMEOUT", "1s",
            "IDGEN_LEASE_SAFETYMARGIN", MARGIN_MILLIS + "ms",
            "IDGEN_LEASE_PROBEINTERVAL", PROBE_MILLIS + "ms",
            "IDGEN_CLOCK_MAXBACKWARD", MAX_BACKWARD_MILLIS + "ms");

    private LocalCluster cluster;
    private CuratorFramework zk;

    @AfterEach
    void stopCluster() {
        if (zk != null) {
            zk.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** ZooKeeper (tick 500 ms, so 4 s sessions are granted), then idgen-1 and idgen-2, one after another until ready. */
    private Map<String, IdgenClient> startCluster() throws Exception {
        LocalCluster.Builder builder = LocalCluster.builder().service("id-generator")
                .zookeeperTickTime(Duration.ofMillis(500)).readyTimeout(READY_TIMEOUT);
        List<String> names = List.of("idgen-1", "idgen-2");
        for (String node : names) {
            SETTINGS.forEach((key, value) -> builder.env(node, key, value));
        }
        cluster = builder.start();
        zk = CuratorFrameworkFactory.newClient(cluster.infrastructure().zookeeperConnect(), new RetryOneTime(100));
        zk.start();
        Map<String, IdgenClient> nodes = new LinkedHashMap<>();
        for (String node : names) {
            IdgenClient client = new IdgenClient(node, cluster.url(node), cluster.adminToken());
            // The short-session settings reached the node (a misspelt variable would silently leave the defaults).
            JsonNode lease = client.lease();
            assertThat(lease.get("sessionTimeoutMillis").asLong()).isEqualTo(SESSION_MILLIS);
            assertThat(lease.get("safetyMarginMillis").asLong()).isEqualTo(MARGIN_MILLIS);
            assertThat(lease.get("clock").get("maxBackwardMillis").asLong()).isEqualTo(MAX_BACKWARD_MILLIS);
            nodes.put(node, client);
        }
        return nodes;
    }

    /** Clients hammering nodes on virtual threads, recording every answer. */
    private static final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<Recorded> answers = new ConcurrentLinkedQueue<>();
        final AtomicLong issued = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        record Recorded(String node, int client, Answer answer) {
        }

        void client(IdgenClient node, int client, int[] sizes, long targetIds, long pauseMillis) {
            threads.add(Thread.ofVirtual().start(() -> {
                int i = 0;
                while (!stop.get() && issued.get() < targetIds) {
                    try {
                        Answer answer = node.issue(sizes[i++ % sizes.length]);
                        answers.add(new Recorded(node.name(), client, answer));
                        issued.addAndGet(answer.ids().length);
                        if (pauseMillis > 0) {
                            Thread.sleep(pauseMillis);
                        }
                    } catch (java.io.IOException e) {
                        // A node being killed: the request failed, nothing was returned.
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        errors.add(t);
                        return;
                    }
                }
            }));
        }

        void awaitDone() throws InterruptedException {
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(errors).isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            awaitDone();
        }

        List<Recorded> ok() {
            return answers.stream().filter(r -> r.answer().status() == 200).toList();
        }
    }

    private static long[] allIds(List<Load.Recorded> answers) {
        return answers.stream().flatMapToLong(r -> Arrays.stream(r.answer().ids())).toArray();
    }

    private static void assertNoDuplicates(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new AssertionError("duplicate ID " + sorted[i] + " = " + LAYOUT.decode(sorted[i]) + " among " + ids.length);
            }
        }
    }

    /** Each answer is strictly increasing, and each client's successive answers from one node too. */
    private static void assertIncreasingPerNode(List<Load.Recorded> answers) {
        Map<String, Long> lastPerClient = new HashMap<>();
        for (Load.Recorded r : answers) {
            long[] ids = r.answer().ids();
            for (int i = 1; i < ids.length; i++) {
                assertThat(ids[i]).isGreaterThan(ids[i - 1]);
            }
            String key = r.node() + "/" + r.client();
            Long last = lastPerClient.get(key);
            if (last != null && ids.length > 0) {
                assertThat(ids[0]).as("IDs of %s increase across requests", r.node()).isGreaterThan(last);
            }
            if (ids.length > 0) {
                lastPerClient.put(key, ids[ids.length - 1]);
            }
        }
    }

    private static long maxMillis(List<Load.Recorded> answers, String node) {
        return answers.stream().filter(r -> r.node().equals(node)).flatMapToLong(r -> Arrays.stream(r.answer().ids()))
                .map(LAYOUT::unixMillisOf).max().orElseThrow();
    }

    @Test
    void twoNodesUnderConcurrentLoadIssueAMillionIdsWithoutADuplicate() throws Exception {
        Map<String, IdgenClient> nodes = startCluster();
        IdgenClient a = nodes.get("idgen-1");
        IdgenClient b = nodes.get("idgen-2");
        int[] sizes = {1, 1000, 7, 5000, 100, 2500, 1, 10_000};
        try (Load load = new Load()) {
            for (int client = 0; client < 3; client++) {
                load.client(a, client, sizes, 1_000_000, 0);
                load.client(b, client, sizes, 1_000_000, 0);
            }
            load.awaitDone();
            List<Load.Recorded> ok = load.ok();
            assertThat(ok).as("every request answered with IDs").hasSameSizeAs(load.answers);
            long[] ids = allIds(ok);
            assertThat(ids.length).isGreaterThanOrEqualTo(1_000_000);
            assertNoDuplicates(ids);
            assertIncreasingPerNode(ok);
            // Each node issued under its own worker ID, and the IDs say so.
            int workerA = a.lease().get("workerId").asInt();
            int workerB = b.lease().get("workerId").asInt();
            assertThat(workerA).isNotEqualTo(workerB);
            for (Load.Recorded r : ok) {
                int expected = r.node().equals("idgen-1") ? workerA : workerB;
                assertThat(r.answer().workerId()).isEqualTo(expected);
                assertThat(LAYOUT.workerIdOf(r.answer().ids()[0])).isEqualTo(expected);
            }
        }
    }

    @Test
    void aNodeKilledAndRestartedWithItsClockSetBackIssuesNoIdItIssuedBefore() throws Exception {
        Map<String, IdgenClient> nodes = startCluster();
        IdgenClient a = nodes.get("idgen-1");
        IdgenClient b = nodes.get("idgen-2");
        List<Load.Recorded> all = new ArrayList<>();
        try (Load load = new Load()) {
            load.client(a, 0, new int[] {1000, 1}, 50_000, 0);
            load.client(b, 0, new int[] {1000, 1}, 50_000, 0);
            load.awaitDone();
            all.addAll(load.ok());
        }
        int worker = a.lease().get("workerId").asInt();

        // SIGKILL mid-life: no lease release, no final mark. Wait until ZooKeeper expired its session.
        cluster.kill("idgen-1");
        long lastBeforeKill = maxMillis(all, "idgen-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> zk.checkExists().forPath("/idgen/leases/" + worker) == null);

        // Restart with the clock 5 minutes behind the last ID it issued (less than the 10 it absorbs, and more than
        // the restart, at most the 4-minute ready timeout, and the load below take, so the clock is still behind
        // while it issues).
        long offset = -(System.currentTimeMillis() - lastBeforeKill) - 300_000;
        // The offset is a start-up setting of this start only, so it is in force from the node's first ID.
        cluster.start("idgen-1", Map.of("IDGEN_CLOCK_OFFSET_MILLIS", Long.toString(offset)));
        JsonNode lease = a.lease();
        assertThat(lease.get("workerId").asInt()).as("it asked for and got its old worker ID back").isEqualTo(worker);
        assertThat(lease.get("clock").get("offsetMillis").asLong()).isEqualTo(offset);
        try (Load load = new Load()) {
            load.client(a, 1, new int[] {1000, 1}, 50_000, 0);
            load.client(b, 1, new int[] {1000, 1}, 50_000, 0);
            load.awaitDone();
            List<Load.Recorded> after = load.ok();
            assertThat(after).hasSameSizeAs(load.answers);
            long firstAfter = after.stream().filter(r -> r.node().equals("idgen-1"))
                    .mapToLong(r -> LAYOUT.unixMillisOf(r.answer().ids()[0])).min().orElseThrow();
            assertThat(firstAfter).as("the restarted node starts above what it issued before the kill").isGreaterThan(lastBeforeKill);
            all.addAll(after);
        }
        JsonNode clock = a.lease().get("clock");
        assertThat(clock.get("nowMillis").asLong()).as("its clock is still behind its last ID before the kill").isLessThan(lastBeforeKill);
        assertThat(clock.get("aheadOfClockMillis").asLong()).as("so it issues ahead of its clock (borrowed time)").isPositive();
        assertNoDuplicates(allIds(all));

        // Killed again and restarted with the clock 20 minutes back: beyond the bound it refuses, fast and visibly.
        long lastBeforeSecondKill = maxMillis(all, "idgen-1");
        cluster.kill("idgen-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> zk.checkExists().forPath("/idgen/leases/" + worker) == null);
        // Launched without waiting for readiness: with its clock that far back it must not become ready.
        cluster.serviceNode("idgen-1").start(Map.of("IDGEN_CLOCK_OFFSET_MILLIS",
                Long.toString(-(System.currentTimeMillis() - lastBeforeSecondKill) - 1_200_000)));
        await().atMost(READY_TIMEOUT).until(() -> a.readinessStatus() != -1 && "valid".equals(a.lease().get("state").asString()));
        Answer refused = a.issue(10);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.problemType()).isEqualTo("/problems/clock-rollback");
        // Retry-After: until the clock is back within the bound, about 20 - 10 minutes minus the restart time
        // (at most the 4-minute ready timeout).
        assertThat(Long.parseLong(refused.retryAfter())).isGreaterThan(300);
        assertThat(a.readinessStatus()).as("not ready while its clock is that far back").isEqualTo(503);
        Answer fromB = b.issue(10);
        assertThat(fromB.status()).as("the other node serves meanwhile").isEqualTo(200);
        all.add(new Load.Recorded("idgen-2", 9, fromB));
        // The operator fixes the clock: the node serves again, still above everything it issued.
        assertThat(a.setFaults("{\"clockOffsetMillis\":0}")).isEqualTo(200);
        cluster.awaitReady("idgen-1", Duration.ofSeconds(60));
        Answer fixed = a.issue(1000);
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(LAYOUT.unixMillisOf(fixed.ids()[0])).isGreaterThan(lastBeforeSecondKill);
        all.add(new Load.Recorded("idgen-1", 9, fixed));
        assertNoDuplicates(allIds(all));
    }

    @Test
    void zooKeeperStoppedAndRestartedMidLoadCausesNoDuplicateAndRefusalsOnlyAfterTheLeaseMargin() throws Exception {
        Map<String, IdgenClient> nodes = startCluster();
        IdgenClient a = nodes.get("idgen-1");
        IdgenClient b = nodes.get("idgen-2");
        long stoppedNanos;
        long stopReturnedWall;
        long restartedWall;
        List<Load.Recorded> answers;
        try (Load load = new Load()) {
            load.client(a, 0, new int[] {50}, Long.MAX_VALUE, 2);
            load.client(b, 0, new int[] {50}, Long.MAX_VALUE, 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> load.issued.get() > 20_000);

            // ZooKeeper is a process: it answers until it has gone, some time between the stop call and its
            // return. Each bound below uses the side of that window that makes it hold: refusals are timed
            // from the call, the end of provable validity from the return.
            stoppedNanos = System.nanoTime();
            cluster.stop("zookeeper");
            stopReturnedWall = System.currentTimeMillis();
            // Both nodes keep serving while their leases are provably valid, then refuse.
            await().atMost(Duration.ofSeconds(15)).until(() -> refusedSince(load, "idgen-1", stoppedNanos) && refusedSince(load, "idgen-2", stoppedNanos));
            assertThat(a.readinessStatus()).isEqualTo(503);
            // Stay down past the session timeout, so the sessions are lost and the worker IDs must be leased anew.
            long down = System.nanoTime();
            await().pollDelay(Duration.ofMillis(SESSION_MILLIS)).atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - down > SESSION_MILLIS * 1_000_000);
            restartedWall = System.currentTimeMillis();
            cluster.start("zookeeper");
            long restartedNanos = System.nanoTime();
            // Recovery: a new session and lease each; a minute, as the nodes share two loaded cores with the build.
            await().atMost(Duration.ofSeconds(60)).until(() -> servedSince(load, "idgen-1", restartedNanos) && servedSince(load, "idgen-2", restartedNanos));
            load.stop.set(true);
            load.awaitDone();
            answers = List.copyOf(load.answers);
        }

        List<Load.Recorded> refusals = answers.stream().filter(r -> r.answer().status() != 200).toList();
        assertThat(refusals).isNotEmpty();
        // The last probe before the stop is at most one interval old (a starved CPU may delay it: 1 s of slack).
        long earliestAllowed = stoppedNanos + (SESSION_MILLIS - MARGIN_MILLIS - PROBE_MILLIS - 1_000) * 1_000_000;
        for (Load.Recorded r : refusals) {
            assertThat(r.answer().status()).isEqualTo(503);
            assertThat(r.answer().problemType()).isEqualTo("/problems/no-worker-lease");
            assertThat(r.answer().retryAfter()).isNotNull();
            assertThat(r.answer().receivedNanos()).as("no refusal before the lease could have run out").isGreaterThan(earliestAllowed);
        }
        List<Load.Recorded> ok = answers.stream().filter(r -> r.answer().status() == 200).toList();
        long[] ids = allIds(ok);
        assertNoDuplicates(ids);
        assertIncreasingPerNode(ok);
        // Nothing was issued between the end of provable validity and ZooKeeper's return (500 ms of slack for
        // a request descheduled between its lease check and its clock reading: what the margin is for).
        long unprovableFrom = stopReturnedWall + SESSION_MILLIS - MARGIN_MILLIS + 500;
        for (long id : ids) {
            long t = LAYOUT.unixMillisOf(id);
            assertThat(t < unprovableFrom || t >= restartedWall)
                    .as("ID %d issued at %s, while no lease was provable (%s .. %s)", id, Instant.ofEpochMilli(t),
                            Instant.ofEpochMilli(unprovableFrom), Instant.ofEpochMilli(restartedWall))
                    .isTrue();
        }
        assertExclusiveWorkerIds(ok, a, b);
    }

    private static boolean refusedSince(Load load, String node, long sinceNanos) {
        return load.answers.stream().anyMatch(r -> r.node().equals(node) && r.answer().status() == 503 && r.answer().sentNanos() > sinceNanos);
    }

    private static boolean servedSince(Load load, String node, long sinceNanos) {
        return load.answers.stream().anyMatch(r -> r.node().equals(node) && r.answer().status() == 200 && r.answer().sentNanos() > sinceNanos);
    }

    /**
     * Two nodes never held the same worker ID at the same time: by the nodes' own lease histories
     * (the intervals in which each could issue), and by the IDs themselves (no millisecond of a
     * worker ID has IDs from two nodes).
     */
    private static void assertExclusiveWorkerIds(List<Load.Recorded> ok, IdgenClient... nodes) throws Exception {
        record Interval(String node, int worker, Instant from, Instant to) {
        }
        List<Interval> intervals = new ArrayList<>();
        for (IdgenClient node : nodes) {
            for (JsonNode e : node.lease().get("history")) {
                Instant to = e.get("lastValidAt").isNull() ? Instant.now() : Instant.parse(e.get("lastValidAt").asString());
                intervals.add(new Interval(node.name(), e.get("workerId").asInt(), Instant.parse(e.get("acquiredAt").asString()), to));
            }
        }
        for (Interval x : intervals) {
            for (Interval y : intervals) {
                if (x.worker() == y.worker() && !x.node().equals(y.node())) {
                    assertThat(x.to().isBefore(y.from()) || y.to().isBefore(x.from()))
                            .as("%s and %s overlap", x, y).isTrue();
                }
            }
        }
        Map<Long, String> ownerOfWorkerMilli = new HashMap<>();
        for (Load.Recorded r : ok) {
            for (long id : r.answer().ids()) {
                long key = (LAYOUT.unixMillisOf(id) << 10) | LAYOUT.workerIdOf(id);
                String previous = ownerOfWorkerMilli.putIfAbsent(key, r.node());
                assertThat(previous == null || previous.equals(r.node()))
                        .as("worker %d at %d used by %s and %s", LAYOUT.workerIdOf(id), LAYOUT.unixMillisOf(id), previous, r.node())
                        .isTrue();
            }
        }
    }
}
