package lab.mq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import lab.cluster.LocalCluster;
import lab.mq.support.FakeIdGenerator;
import lab.mq.support.Http;
import lab.mq.support.NodeMemory;
import lab.mq.support.NodeMetrics;
import lab.mq.support.RawSseClient;
import lab.mq.support.SseClient;
import lab.mq.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bounded memory per node, over real sockets: two node processes on a real broker (IDs from the
 * stand-in generator). mq-2 admits at most {@value #LIMIT} subscriber connections and refuses the
 * next one, over SSE and WebSocket alike. A subscriber whose socket stops reading costs the others
 * nothing and the node no more than its send queue; on mq-1 (write timeout 30 min) it then catches
 * up with every message in order, on mq-2 (write timeout 5 s) it is disconnected and resumes on
 * mq-1 from its last event id without a gap.
 */
class BoundedMemoryClusterIT {

    private static final int LIMIT = 4;
    private static final int QUEUE = 16;
    private static final int TEXT_CHARS = 4000;
    /** Every message reaches every reading subscriber within this of its publish starting (a stalled fan-out would take minutes). */
    private static final Duration LATENCY_BOUND = Duration.ofSeconds(10);
    /** mq-1's heap after GC may grow by at most this while the stalled subscriber leaves several times as much unread. */
    private static final long HEAP_GROWTH_BOUND_KIB = 6 * 1024;
    /** A message that no node acknowledges for this long fails the run instead of stalling it. */
    private static final Duration PUBLISH_DEADLINE = Duration.ofMinutes(2);

    private static FakeIdGenerator idgen;
    private static LocalCluster cluster;
    private static URI mq1;
    private static URI mq2;

    @BeforeAll
    static void start() throws Exception {
        idgen = new FakeIdGenerator();
        LocalCluster.Builder builder = LocalCluster.builder().service("message-queue").nodes("mq-1", "mq-2")
                .readyTimeout(Duration.ofMinutes(4));
        for (String node : List.of("mq-1", "mq-2")) {
            builder.env(node, "MQ_IDGEN_URLS", idgen.peers()).env(node, "MQ_PARTITIONS", "4")
                    .env(node, "MQ_SEND_QUEUE_CAPACITY", Integer.toString(QUEUE))
                    // A client that left silently is noticed when a heartbeat cannot be written.
                    .env(node, "MQ_FANOUT_HEARTBEAT", "2s");
        }
        cluster = builder.env("mq-1", "MQ_WRITE_TIMEOUT", "30m")
                .env("mq-2", "MQ_WRITE_TIMEOUT", "5s")
                .env("mq-2", "MQ_MAX_SUBSCRIBER_CONNECTIONS", Integer.toString(LIMIT))
                .start();
        mq1 = cluster.url("mq-1");
        mq2 = cluster.url("mq-2");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (idgen != null) {
            idgen.close();
        }
    }

    @Test
    void aNodeAtItsLimitRefusesTheNextSubscriberAndKeepsServingTheAdmittedOnes() throws Exception {
        String channel = "capped";
        await().atMost(30, TimeUnit.SECONDS).until(() -> admitted(mq2) == 0);
        double refusedSseBefore = NodeMetrics.sample(mq2, "mq_connections_refused_total", "transport=\"sse\"");
        double refusedWsBefore = NodeMetrics.sample(mq2, "mq_connections_refused_total", "transport=\"websocket\"");
        List<SseClient> streams = new ArrayList<>(List.of(stream(mq2, channel, null), stream(mq2, channel, null)));
        List<WsClient> sockets = List.of(new WsClient(mq2), new WsClient(mq2));
        try {
            admitTheLimitAndRefuseTheNext(channel, streams, sockets, refusedSseBefore, refusedWsBefore);
        } finally {
            streams.forEach(SseClient::close);
            sockets.forEach(WsClient::close);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> admitted(mq2) == 0);
    }

    private void admitTheLimitAndRefuseTheNext(String channel, List<SseClient> streams, List<WsClient> sockets,
                                               double refusedSseBefore, double refusedWsBefore) throws Exception {
        for (WsClient ws : sockets) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> streams.stream().allMatch(BoundedMemoryClusterIT::subscribed)
                && sockets.stream().allMatch(ws -> ws.count("subscribed") == 1));

        // Connection LIMIT + 1 over SSE: a 503 problem with Retry-After, at once.
        Http.Answer refused = Http.get(mq2.resolve("/channels/" + channel + "/stream"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("2");
        assertThat(refused.body().get("type").asString()).endsWith("/problems/connection-limit-reached");
        assertThat(refused.body().get("limit").asInt()).isEqualTo(LIMIT);
        // ... and over WebSocket: closed with 1013 (try again later) and a reason.
        WsClient refusedWs = new WsClient(mq2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> refusedWs.closeCode() != null);
        assertThat(refusedWs.closeCode()).isEqualTo(1013);
        assertThat(refusedWs.closeReason()).contains("mq-2 already serves " + LIMIT + " subscriber connections");

        assertThat(NodeMetrics.sample(mq2, "mq_connections_limit")).isEqualTo(LIMIT);
        assertThat(NodeMetrics.sample(mq2, "mq_connections_refused_total", "transport=\"sse\"")).isEqualTo(refusedSseBefore + 1);
        assertThat(NodeMetrics.sample(mq2, "mq_connections_refused_total", "transport=\"websocket\"")).isEqualTo(refusedWsBefore + 1);
        JsonNode view = Http.get(mq2.resolve("/admin/mq"), cluster.adminToken()).body().get("connectionLimit");
        assertThat(view.get("limit").asInt()).isEqualTo(LIMIT);
        assertThat(view.get("admitted").asInt()).isEqualTo(LIMIT);

        // The admitted ones keep receiving (published on the other node).
        for (int i = 0; i < 5; i++) {
            assertThat(Http.publish(mq1, channel, "cap", "c" + i, null).status()).isEqualTo(201);
        }
        List<Long> oneToFive = LongStream.rangeClosed(1, 5).boxed().toList();
        await().atMost(30, TimeUnit.SECONDS).until(() -> streams.stream().allMatch(s -> s.seqs().size() == 5)
                && sockets.stream().allMatch(ws -> ws.seqs(channel).size() == 5));
        streams.forEach(s -> assertThat(s.seqs()).isEqualTo(oneToFive));
        sockets.forEach(ws -> assertThat(ws.seqs(channel)).isEqualTo(oneToFive));

        // A slot given back is a slot for the next client.
        streams.removeFirst().close();
        await().atMost(30, TimeUnit.SECONDS).until(() -> admitted(mq2) == LIMIT - 1);
        streams.add(stream(mq2, channel, null));
        await().atMost(30, TimeUnit.SECONDS).until(() -> subscribed(streams.getLast()));
    }

    @Test
    void aSubscriberThatStopsReadingCostsTheOthersNothingAndEndsWithEveryMessage() throws Exception {
        slowSubscriberRun("slow-room", 2_500);
    }

    /** The same with ten times the messages (about 100 MB the stalled subscribers do not read); minutes long. */
    @Test
    @Tag("drill")
    void aSubscriberThatStopsReadingThroughALongBurst() throws Exception {
        slowSubscriberRun("slow-drill", 25_000);
    }

    private void slowSubscriberRun(String channel, int messages) throws Exception {
        String path = "/channels/" + channel + "/stream?afterSeq=0";
        List<SseClient> readers = List.of(stream(mq1, channel, "0"), stream(mq1, channel, "0"), stream(mq2, channel, "0"));
        RawSseClient stalledKept = new RawSseClient(mq1.resolve(path));
        RawSseClient stalledDropped = new RawSseClient(mq2.resolve(path));
        try {
            stallPublishAndCatchUp(channel, messages, readers, stalledKept, stalledDropped);
        } finally {
            stalledKept.close();
            stalledDropped.close();
            readers.forEach(SseClient::close);
        }
    }

    private void stallPublishAndCatchUp(String channel, int messages, List<SseClient> readers, RawSseClient stalledKept,
                                        RawSseClient stalledDropped) throws Exception {
        await().atMost(30, TimeUnit.SECONDS).until(() -> readers.stream().allMatch(BoundedMemoryClusterIT::subscribed)
                && stalledKept.subscribed() && stalledDropped.subscribed());
        NodeMemory mq1Memory = new NodeMemory(cluster.node("mq-1").pid().orElseThrow());

        Map<String, Long> publishStartedAtMillis = new ConcurrentHashMap<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        publish(channel, 0, 100, publishStartedAtMillis, acknowledged); // warms both paths up before the baseline
        long heapBaselineKib = mq1Memory.heapAfterGcKib();
        double catchUps = NodeMetrics.sample(mq1, "mq_slow_subscriber_actions_total", "action=\"catch-up\"");

        QueueDepthSampler depths = new QueueDepthSampler();
        publish(channel, 100, messages, publishStartedAtMillis, acknowledged);
        await().atMost(5, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(500))
                .until(() -> readers.stream().allMatch(r -> r.seqs().size() >= messages));
        depths.stop();
        long heapStalledKib = mq1Memory.heapAfterGcKib();
        long unreadKib = (long) (messages - stalledKept.seqs().size()) * TEXT_CHARS / 1024;
        System.out.printf("%s: %d messages; mq-1 heap after GC %,d -> %,d KiB while its stalled subscriber left %,d KiB unread;"
                        + " deepest send queue seen %d (capacity %d)%n",
                channel, messages, heapBaselineKib, heapStalledKib, unreadKib, depths.deepest(), QUEUE);

        // The node stayed bounded: no send queue past its capacity, the heap did not take up the backlog.
        assertThat(depths.samples()).as("send-queue depth samples taken during the burst").isGreaterThanOrEqualTo(4);
        assertThat(depths.deepest()).as("deepest send queue on both nodes").isLessThanOrEqualTo(QUEUE);
        assertThat(NodeMetrics.sample(mq1, "mq_slow_subscriber_actions_total", "action=\"catch-up\""))
                .as("the stalled subscriber's queue filled and it was switched to catching up").isGreaterThan(catchUps);
        assertThat(unreadKib).as("the stall left far more unread than the heap bound").isGreaterThan(HEAP_GROWTH_BOUND_KIB);
        assertThat(heapStalledKib - heapBaselineKib).as("growth of mq-1's heap after GC, KiB").isLessThan(HEAP_GROWTH_BOUND_KIB);

        // The others were not held up.
        List<String> log = ChannelHistoryCheck.log(mq1, channel);
        assertThat(log).as("every acknowledged publish is in the log").containsAll(acknowledged);
        assertThat(ChannelHistoryCheck.log(mq2, channel)).as("mq-2 holds the same log").isEqualTo(log);
        List<Long> wholeLog = LongStream.rangeClosed(1, log.size()).boxed().toList();
        List<Long> latencies = new ArrayList<>();
        for (SseClient reader : readers) {
            assertThat(reader.seqs()).isEqualTo(wholeLog);
            reader.events().stream().filter(e -> e.type().equals("message"))
                    .forEach(e -> latencies.add(e.receivedAtMillis() - publishStartedAtMillis.get(e.data().get("text").asString())));
        }
        latencies.sort(null);
        System.out.printf("%s: publish->deliver to the reading subscribers p50 %d ms, p99 %d ms, max %d ms%n", channel,
                latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 99 / 100), latencies.getLast());
        assertThat(latencies.getLast()).as("slowest delivery to a reading subscriber, ms").isLessThanOrEqualTo(LATENCY_BOUND.toMillis());

        // On mq-2 the stalled one was disconnected once its socket accepted nothing for 5 s ...
        await().atMost(60, TimeUnit.SECONDS).until(() -> NodeMetrics.sample(mq2, "mq_slow_subscriber_actions_total", "action=\"disconnect\"") >= 1);
        stalledDropped.startReading();
        await().atMost(60, TimeUnit.SECONDS).until(stalledDropped::ended);
        long resumeAfter = Long.parseLong(stalledDropped.lastEventId());
        assertThat(stalledDropped.seqs()).isEqualTo(LongStream.rangeClosed(1, resumeAfter).boxed().toList());
        // ... and resumes elsewhere from the last event it read, as a browser's EventSource does.
        try (SseClient resumed = new SseClient(mq1.resolve("/channels/" + channel + "/stream"), Long.toString(resumeAfter))) {
            await().atMost(2, TimeUnit.MINUTES).until(() -> resumed.seqs().size() >= log.size() - resumeAfter);
            List<Long> all = new ArrayList<>(stalledDropped.seqs());
            all.addAll(resumed.seqs());
            assertThat(all).as("dropped on mq-2, resumed on mq-1").isEqualTo(wholeLog);
        }

        // On mq-1 it stayed connected and, reading again, catches up with every message in order.
        stalledKept.startReading();
        await().atMost(3, TimeUnit.MINUTES).until(() -> stalledKept.seqs().size() >= log.size());
        assertThat(stalledKept.seqs()).isEqualTo(wholeLog);
        assertThat(stalledKept.ended()).isFalse();

    }

    /** Publishes messages {@code from..to-1} with 8 publishers over both nodes, until each is acknowledged. */
    private static void publish(String channel, int from, int to, Map<String, Long> startedAtMillis, Set<String> acknowledged)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger(from);
        AtomicReference<AssertionError> failure = new AtomicReference<>();
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            publishers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i; (i = next.getAndIncrement()) < to; ) {
                        publishUntilAcknowledged(channel, i, startedAtMillis, acknowledged);
                    }
                } catch (AssertionError e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread publisher : publishers) {
            publisher.join(Duration.ofMinutes(30));
            assertThat(publisher.isAlive()).as("publisher finished").isFalse();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Publishes message {@code i} (no idempotency key: the invariants are checked against the log), retrying until acknowledged. */
    private static void publishUntilAcknowledged(String channel, int i, Map<String, Long> startedAtMillis, Set<String> acknowledged) {
        long deadline = System.nanoTime() + PUBLISH_DEADLINE.toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String text = ("m" + i + "-" + attempt + "|").concat("x".repeat(TEXT_CHARS)).substring(0, TEXT_CHARS);
            startedAtMillis.put(text, System.currentTimeMillis());
            Http.Answer answer = Http.publish(i % 2 == 0 ? mq1 : mq2, channel, "load", text, null);
            if (answer.status() == 201) {
                acknowledged.add(answer.body().get("id").asString());
                return;
            }
        }
        throw new AssertionError("no node acknowledged message " + i + " of " + channel + " within " + PUBLISH_DEADLINE);
    }

    /** Samples the deepest send queue of both nodes every 200 ms until stopped. */
    private static final class QueueDepthSampler {
        private final AtomicInteger deepest = new AtomicInteger();
        private final AtomicInteger samples = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread thread = Thread.ofVirtual().start(() -> {
            while (running) {
                for (URI node : List.of(mq1, mq2)) {
                    try {
                        deepest.accumulateAndGet((int) NodeMetrics.sample(node, "mq_send_queue_depth", "stat=\"max\""), Math::max);
                        samples.incrementAndGet();
                    } catch (IllegalStateException slowAnswer) {
                        // a scrape that failed under load; the next one counts
                    }
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(200); // the sampling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        int deepest() {
            return deepest.get();
        }

        int samples() {
            return samples.get();
        }
    }

    private static SseClient stream(URI node, String channel, String lastEventId) {
        return new SseClient(node.resolve("/channels/" + channel + "/stream"), lastEventId);
    }

    private static boolean subscribed(SseClient client) {
        return client.events().stream().anyMatch(e -> e.type().equals("subscribed"));
    }

    private static int admitted(URI node) {
        return Http.get(node.resolve("/admin/mq"), cluster.adminToken()).body().get("connectionLimit").get("admitted").asInt();
    }
}
