package lab.kvstore.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.kvstore.antientropy.AntiEntropy;
import lab.kvstore.antientropy.HttpAntiEntropyTransport;
import lab.kvstore.handoff.HintBounds;
import lab.kvstore.handoff.HintReplayer;
import lab.kvstore.handoff.HintStore;
import lab.kvstore.handoff.RocksDbHintStore;
import lab.kvstore.handoff.SloppyQuorum;
import lab.kvstore.membership.GossipRules;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.membership.HttpGossipTransport;
import lab.kvstore.membership.PeerState;
import lab.kvstore.membership.PhiAccrualDetector;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.ring.Membership;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.InterNodeClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires part 2 (membership, handoff, read repair, anti-entropy, tombstone collection) and runs its background rounds. */
@Configuration(proxyBeanMethods = false)
public class ResilienceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResilienceConfiguration.class);
    private static final int PHI_WINDOW = 100;

    @Bean
    PhiAccrualDetector failureDetector(KvResilienceProperties p, Membership membership, MeterRegistry registry) {
        PhiAccrualDetector detector = new PhiAccrualDetector(System::currentTimeMillis, PHI_WINDOW, p.gossipIntervalMillis(),
                p.phiSuspect(), p.phiDown());
        // Peers come and go at runtime (joins): each gets its gauges when this node first hears of it.
        PerPeerMeters.forEveryPeer(membership, peer -> peerGauges(peer, membership, detector, registry));
        return detector;
    }

    private static void peerGauges(String peer, Membership membership, PhiAccrualDetector detector, MeterRegistry registry) {
        if (peer.equals(membership.self())) {
            return;
        }
        Gauge.builder("kv.membership.phi", detector, d -> {
                    double phi = d.phi(peer);
                    return Double.isNaN(phi) ? -1 : phi;
                })
                .description("Phi-accrual suspicion of a peer as this node sees it (-1: never heard from)")
                .tag("peer", peer).register(registry);
        for (PeerState state : PeerState.values()) {
            Gauge.builder("kv.membership.state", detector, d -> d.state(peer) == state ? 1 : 0)
                    .description("1 for the state this node believes the peer is in")
                    .tag("peer", peer).tag("state", state.name().toLowerCase()).register(registry);
        }
    }

    @Bean
    Gossiper gossiper(KvResilienceProperties p, Membership membership, InterNodeClient client, PhiAccrualDetector detector) {
        return new Gossiper(membership, new GossipRules(membership, System::currentTimeMillis), p.gossipFanOut(),
                new HttpGossipTransport(client, membership), detector,
                System.currentTimeMillis(), new Random());
    }

    @Bean(destroyMethod = "close")
    HintStore hintStore(KvProperties kv, KvResilienceProperties p, Membership membership, MeterRegistry registry) {
        HintStore store = new RocksDbHintStore(kv.dataDir().resolve("hints"),
                new HintBounds(p.hintMaxCount(), p.hintMaxBytes(), p.hintMaxAgeMillis()), System::currentTimeMillis);
        PerPeerMeters.forEveryPeer(membership, target -> hintGauges(target, store, registry));
        Gauge.builder("kv.hints.bound.count", store, s -> s.bounds().maxHints())
                .description("Most hints held per target").register(registry);
        log.info("hint store open: {} pending, bounds {}", store.pending(), store.bounds());
        return store;
    }

    private static void hintGauges(String target, HintStore store, MeterRegistry registry) {
        Gauge.builder("kv.hints.pending", store, s -> s.pending().getOrDefault(target, new HintStore.Pending(0, 0)).hints())
                .description("Hints held on this node for the target").tag("target", target).register(registry);
        Gauge.builder("kv.hints.pending.bytes", store, s -> s.pending().getOrDefault(target, new HintStore.Pending(0, 0)).bytes())
                .description("Bytes of hints held on this node for the target").baseUnit("bytes").tag("target", target)
                .register(registry);
    }

    @Bean
    SloppyQuorum sloppyQuorum(ReplicaTransport transport, PhiAccrualDetector detector, HintStore hints, KvMetrics metrics) {
        return new SloppyQuorum(transport, detector, hints, metrics);
    }

    @Bean
    ReadRepair readRepair(NodeIdentity identity, Replica replica, ReplicaTransport transport, KvMetrics metrics,
                          KvResilienceProperties p) {
        return new ReadRepair(identity.nodeId(), replica, transport, metrics, p.readRepair());
    }

    @Bean
    AntiEntropy antiEntropy(Membership membership, Replica replica, InterNodeClient client, KvMetrics metrics,
                            KvResilienceProperties p) {
        return new AntiEntropy(membership.self(), membership::ring, replica, new HttpAntiEntropyTransport(client, membership),
                metrics, Clock.systemUTC()::millis, p.merkleSegments(), p.hintMaxAgeMillis(), p.collectTombstones());
    }

    /** The background rounds, each on its own fixed delay, one thread each so a slow repair never delays gossip. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService resilienceRounds(KvResilienceProperties p, Gossiper gossiper, HintStore hints,
                                              ReplicaTransport transport, PhiAccrualDetector detector, KvMetrics metrics,
                                              AntiEntropy antiEntropy, KvProperties kv) {
        ScheduledExecutorService rounds = Executors.newScheduledThreadPool(3, Thread.ofPlatform().daemon().name("kv-rounds-", 0).factory());
        long callTimeout = kv.requestTimeoutMillis();
        rounds.scheduleWithFixedDelay(guarded("gossip", () -> gossiper.round(p.gossipIntervalMillis() * 2)),
                p.gossipIntervalMillis(), p.gossipIntervalMillis(), TimeUnit.MILLISECONDS);
        HintReplayer replayer = new HintReplayer(hints, transport, detector, System::currentTimeMillis, metrics, p.hintReplayBatch());
        rounds.scheduleWithFixedDelay(guarded("hint replay", () -> replayer.round(callTimeout)),
                p.hintReplayIntervalMillis(), p.hintReplayIntervalMillis(), TimeUnit.MILLISECONDS);
        if (p.antiEntropyIntervalMillis() > 0) {
            rounds.scheduleWithFixedDelay(guarded("anti-entropy", () -> antiEntropy.round(callTimeout)),
                    p.antiEntropyIntervalMillis(), p.antiEntropyIntervalMillis(), TimeUnit.MILLISECONDS);
        }
        return rounds;
    }

    /** A failed round is logged and the next one runs: an exception must not cancel the schedule. */
    private static Runnable guarded(String name, Runnable round) {
        return () -> {
            try {
                round.run();
            } catch (RuntimeException e) {
                log.warn("{} round failed: {}", name, e.toString());
            }
        };
    }
}
