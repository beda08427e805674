package lab.kvstore.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import lab.kvstore.antientropy.HttpAntiEntropyTransport;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.replication.Replica;
import lab.kvstore.ring.MemberStatus;
import lab.kvstore.ring.Membership;
import lab.kvstore.streaming.BytePacer;
import lab.kvstore.streaming.PartitionStreamer;
import lab.kvstore.streaming.ReplicaStreamTransport;
import lab.kvstore.streaming.RingChange;
import lab.kvstore.streaming.Sleeper;
import lab.kvstore.streaming.StreamProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires runtime join/leave: the pacer (the bound), the partition streamer, the change driver and its meters. */
@Configuration(proxyBeanMethods = false)
public class StreamingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StreamingConfiguration.class);

    @Bean
    BytePacer streamPacer(KvResilienceProperties p, MeterRegistry registry) {
        BytePacer pacer = new BytePacer(p.streamMaxBytesPerSecond(), System::nanoTime, Sleeper.REAL);
        Gauge.builder("kv.streaming.bound.bytes.per.second", pacer, BytePacer::bytesPerSecond)
                .description("The partition streaming bound, bytes per second").register(registry);
        FunctionCounter.builder("kv.streaming.throttled.seconds", pacer, b -> b.waitedNanos() / 1e9)
                .description("Time streams waited for the bandwidth bound").register(registry);
        return pacer;
    }

    @Bean
    StreamProgress streamProgress(MeterRegistry registry, Membership membership) {
        StreamProgress progress = new StreamProgress(System::nanoTime);
        FunctionCounter.builder("kv.streaming.bytes", progress, StreamProgress::bytesStreamed)
                .description("Bytes read from replicas and sent to new owners by the ring changes this node drove")
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("kv.streaming.keys", progress, StreamProgress::keysStreamed)
                .description("Keys sent to new owners").register(registry);
        Gauge.builder("kv.streaming.partitions.pending", progress, StreamProgress::partitionsPending)
                .description("Partition moves of the change this node drives not done yet").register(registry);
        Gauge.builder("kv.streaming.partitions.done", progress, StreamProgress::partitionsDone)
                .description("Partition moves of the change this node drives done").register(registry);
        Gauge.builder("kv.streaming.rate.bytes.per.second", progress, StreamProgress::recentBytesPerSecond)
                .description("Streaming bytes per second over the last 5 s (the bound's current use)").register(registry);
        PerPeerMeters.forEveryPeer(membership, target -> targetGauges(target, progress, registry));
        for (MemberStatus status : MemberStatus.values()) {
            Gauge.builder("kv.ring.members", membership, m -> m.state().members().values().stream()
                            .filter(member -> member.status() == status).count())
                    .description("Ring members by status, as this node believes").tag("status", status.name().toLowerCase())
                    .register(registry);
        }
        return progress;
    }

    private static void targetGauges(String target, StreamProgress progress, MeterRegistry registry) {
        Gauge.builder("kv.streaming.target.partitions.pending", progress, p -> {
                    long[] counts = p.perTarget().get(target);
                    return counts == null ? 0 : counts[1] - counts[0];
                })
                .description("Partitions still to stream to the target").tag("target", target).register(registry);
    }

    @Bean
    RingChange ringChange(Membership membership, Gossiper gossiper, Replica replica, HttpAntiEntropyTransport remote,
                          BytePacer pacer, StreamProgress progress, KvProperties kv, KvResilienceProperties p) {
        ReplicaStreamTransport transport = new ReplicaStreamTransport(membership.self(), replica, remote);
        long callTimeout = kv.requestTimeoutMillis();
        PartitionStreamer streamer = new PartitionStreamer(transport, pacer, progress, p.streamBatchBytes(), callTimeout * 5);
        RingChange.Broadcast broadcast = (node, timeoutMillis) ->
                gossiper.exchange(node, timeoutMillis).get(timeoutMillis + 500, TimeUnit.MILLISECONDS).ring();
        // Drain: a write that began before its coordinator heard the announcement ends within one request deadline.
        long drainMillis = kv.requestTimeoutMillis() + 500;
        return new RingChange(membership, broadcast, streamer, progress, Sleeper.REAL, drainMillis, p.ringChangeRetryMillis(),
                callTimeout);
    }

    /** One thread: one change at a time. A node restarted mid-change carries it on. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService ringChangeRunner(RingChange ringChange, Membership membership) {
        ExecutorService runner = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("kv-ring-change").factory());
        if (ringChange.inProgressHere()) {
            log.info("this node was {} when it stopped: carrying the change on", membership.state().member(membership.self()));
            runner.submit(guarded(ringChange));
        }
        return runner;
    }

    private static Runnable guarded(RingChange ringChange) {
        return () -> {
            try {
                ringChange.run();
                log.info("ring change {} ended in phase {}", ringChange.change(), ringChange.phase());
            } catch (RuntimeException e) {
                log.warn("ring change {} failed: {}", ringChange.change(), e.toString());
            }
        };
    }
}
