package lab.mq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lab.cluster.LocalCluster;
import lab.mq.support.Http;
import lab.mq.support.SseClient;

/**
 * What the multi-node tests share: SSE subscribers spread over nodes, publishers that retry a
 * publish (same idempotency key) on any node until one acknowledges it, and the final check.
 */
final class ClusterRun {

    static final List<String> CHANNELS = List.of("room-0", "room-1", "room-2");

    /** One subscriber: its channel, and its streams in order (a new one after each reconnect). */
    record Subscriber(String name, String channel, String node, List<SseClient> streams) {
        List<Long> seqs() {
            return streams.stream().flatMap(c -> c.seqs().stream()).toList();
        }
    }

    final Map<String, URI> urls = new LinkedHashMap<>();
    final List<Subscriber> subscribers = new ArrayList<>();
    final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    final AtomicInteger published = new AtomicInteger();
    private final List<Thread> publishers = new ArrayList<>();

    ClusterRun(LocalCluster cluster, List<String> nodes) {
        nodes.forEach(n -> urls.put(n, cluster.url(n)));
        CHANNELS.forEach(c -> acknowledged.put(c, ConcurrentHashMap.newKeySet()));
    }

    /** The real id-generator (one node, with its ZooKeeper) first, then the message-queue nodes; MQ_IDGEN_URLS from the topology. */
    static LocalCluster start(List<String> nodes, int brokers) {
        List<String> all = new ArrayList<>(List.of("idgen-1"));
        all.addAll(nodes);
        return LocalCluster.builder().service("id-generator").service("message-queue").nodes(all.toArray(String[]::new))
                .kafkaBrokers(brokers).readyTimeout(Duration.ofMinutes(4)).start();
    }

    /** {@code perNode} subscribers on every node, channels round-robin, all from the channel's start. */
    void subscribe(int count) {
        List<String> nodes = List.copyOf(urls.keySet());
        for (int i = 0; i < count; i++) {
            String node = nodes.get(i % nodes.size());
            String channel = CHANNELS.get(i % CHANNELS.size());
            List<SseClient> streams = new ArrayList<>();
            streams.add(new SseClient(urls.get(node).resolve("/channels/" + channel + "/stream?afterSeq=0"), null));
            subscribers.add(new Subscriber("sub-" + i + "@" + node, channel, node, streams));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> subscribers.stream().allMatch(s -> s.streams().getFirst().events().stream()
                .anyMatch(e -> e.type().equals("subscribed"))));
    }

    void startPublishers(int publisherCount, int publishesEach) {
        List<String> nodes = List.copyOf(urls.keySet());
        for (int p = 0; p < publisherCount; p++) {
            int publisher = p;
            publishers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < publishesEach; i++) {
                    String channel = CHANNELS.get((publisher + i) % CHANNELS.size());
                    String id = publishUntilAcknowledged(nodes, (publisher + i) % nodes.size(), channel, "p" + publisher + "-" + i);
                    acknowledged.get(channel).add(id);
                    published.incrementAndGet();
                }
            }));
        }
    }

    void awaitPublishers() throws InterruptedException {
        for (Thread t : publishers) {
            t.join(Duration.ofMinutes(3));
            assertThat(t.isAlive()).as("publisher finished").isFalse();
        }
    }

    /** Publishes with an idempotency key, retrying on the nodes in turn until one acknowledges. */
    private String publishUntilAcknowledged(List<String> nodes, int firstNode, String channel, String key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int attempt = 0;
        while (System.nanoTime() < deadline) {
            URI node = urls.get(nodes.get((firstNode + attempt++) % nodes.size()));
            Http.Answer answer = Http.publish(node, channel, "load", "text of " + key, key);
            if (answer.status() == 200 || answer.status() == 201) {
                return answer.body().get("id").asString();
            }
        }
        throw new AssertionError("no node acknowledged publish " + key + " within 120 s");
    }

    /** Waits until every subscriber has as many messages as were acknowledged, then checks the invariant on these nodes. */
    void assertEverySubscriberSawExactlyTheLog(List<String> survivingNodes) {
        for (String channel : CHANNELS) {
            int expected = acknowledged.get(channel).size();
            List<Subscriber> ofChannel = subscribers.stream().filter(s -> s.channel().equals(channel)).toList();
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300))
                    .until(() -> ofChannel.stream().allMatch(s -> s.seqs().size() >= expected));
            List<String> log = ChannelHistoryCheck.log(urls.get(survivingNodes.getFirst()), channel);
            for (String other : survivingNodes) {
                assertThat(ChannelHistoryCheck.log(urls.get(other), channel)).as(other + " holds the same log").isEqualTo(log);
            }
            Map<String, List<Long>> seen = new LinkedHashMap<>();
            ofChannel.forEach(s -> seen.put(s.name(), s.seqs()));
            ChannelHistoryCheck.assertSubscribersSawExactlyTheLog(channel, log, acknowledged.get(channel), seen);
        }
    }

    void closeStreams() {
        subscribers.forEach(s -> s.streams().forEach(SseClient::close));
    }
}
