package lab.mq.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lab.mq.support.Http;
import lab.mq.support.SseClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publish->deliver latency of the service (HTTP publish on the node, SSE delivery from the node)
 * side by side with Kafka's own produce->consume latency (acks=all producer, plain consumer) on
 * the same broker, at the same rate, in the same run. The ratio is what our path costs on top of
 * the log: the publish request hop, the sequencer's exactly-once transaction, the materializer,
 * the fan-out and HTTP on both ends.
 */
public final class LatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int rate = Integer.getInteger("bench.rate", 50);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int count = rate * seconds;
        try (BenchCluster bench = new BenchCluster()) {
            String bootstrap = bench.cluster.infrastructure().kafkaBootstrapServers();
            System.out.printf("%nrate %d msg/s for %d s, one broker, one node%n", rate, seconds);
            for (int round = 1; round <= 2; round++) { // the first round warms both paths up
                long[] kafka = kafkaProduceConsume(bootstrap, rate, count, round);
                long[] ours = publishDeliver(bench, rate, count, round);
                if (round == 2) {
                    System.out.println("kafka produce->consume   " + BenchCluster.percentiles(kafka));
                    System.out.println("mq publish->SSE deliver  " + BenchCluster.percentiles(ours));
                    long[] k = kafka.clone();
                    long[] o = ours.clone();
                    Arrays.sort(k);
                    Arrays.sort(o);
                    System.out.printf("ratio mq/kafka           p50 %.1fx  p99 %.1fx%n",
                            BenchCluster.at(o, 0.5) / BenchCluster.at(k, 0.5), BenchCluster.at(o, 0.99) / BenchCluster.at(k, 0.99));
                }
            }
        }
    }

    private static long[] kafkaProduceConsume(String bootstrap, int rate, int count, int round) throws Exception {
        String topic = "bench.raw-" + round;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100"); // as the service's materializer
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        long[] latencies = new long[count];
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new LongDeserializer());
             KafkaProducer<String, Long> producer = new KafkaProducer<>(p, new StringSerializer(), new LongSerializer())) {
            consumer.assign(consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList());
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            Thread sender = Thread.ofPlatform().start(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    pace(start, i, rate);
                    producer.send(new ProducerRecord<>(topic, "channel-" + (i % 8), System.nanoTime()));
                }
            });
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(count / rate + 60);
            while (received < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100))) {
                    latencies[received++] = System.nanoTime() - r.value();
                }
            }
            sender.join();
            return Arrays.copyOf(latencies, received);
        }
    }

    private static long[] publishDeliver(BenchCluster bench, int rate, int count, int round) throws Exception {
        String channel = "bench-" + round;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SseClient stream = new SseClient(bench.node().resolve("/channels/" + channel + "/stream"), null)) {
            while (stream.events().isEmpty()) {
                Thread.onSpinWait();
            }
            CountDownLatch done = new CountDownLatch(count);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                pace(start, i, rate);
                String text = "m" + i;
                Thread.ofVirtual().start(() -> {
                    sentAt.put(text, System.nanoTime());
                    Http.publish(bench.node(), channel, "bench", text, null);
                    done.countDown();
                });
            }
            done.await(count / rate + 60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stream.seqs().size() < count && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (SseClient.SseEvent e : stream.events()) {
                if (e.type().equals("message")) {
                    Long sent = sentAt.get(e.data().get("text").asString());
                    latencies.add(e.receivedAtNanos() - sent);
                }
            }
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    /** Waits until the i-th message's turn at the given rate (open loop: a slow answer does not slow the sender). */
    private static void pace(long startNanos, int i, int rate) {
        long due = startNanos + i * 1_000_000_000L / rate;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }
}
