package lab.kvstore.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import lab.kvstore.api.RemoteProblemException;
import lab.kvstore.handoff.SloppyQuorum;
import lab.kvstore.membership.PeerHealth;
import lab.kvstore.repair.ReadRepair;
import lab.kvstore.runtime.NodeRuntime;
import lab.kvstore.replication.Coordinator;
import lab.kvstore.replication.HttpReplicaTransport;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.ReadFanOut;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.ReplicaTransport;
import lab.kvstore.replication.SpeculativeReadDelay;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.RingStateFile;
import lab.kvstore.storage.ReplicaStorage;
import lab.kvstore.storage.RocksDbStorage;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.InterNodeClient;
import lab.platform.internode.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/** Wires the plain-Java store into Spring: storage, ring, replica, coordinator, transport, metrics, readiness. */
@Configuration(proxyBeanMethods = false)
public class KvConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KvConfiguration.class);

    @Bean(destroyMethod = "close")
    ReplicaStorage replicaStorage(KvProperties properties, NodeIdentity identity) {
        RocksDbStorage storage = new RocksDbStorage(properties.dataDir(), properties.partitions());
        log.info("{} opened RocksDB in {} (synced WAL: an acknowledged write survives kill -9)",
                identity.nodeId(), properties.dataDir().toAbsolutePath());
        return storage;
    }

    @Bean
    Membership membership(KvProperties properties, NodeIdentity identity, Environment environment) {
        URI advertised = properties.advertisedUrl() == null || properties.advertisedUrl().isBlank()
                ? URI.create("http://127.0.0.1:" + environment.getProperty("server.port", "8080"))
                : URI.create(properties.advertisedUrl());
        Membership membership = new Membership(identity.nodeId(), advertised, Peer.parseList(properties.seeds()),
                properties.partitions(), properties.tokensPerNode(), properties.replicationFactor(),
                new RingStateFile(properties.dataDir().resolve("ring-state")));
        if (membership.status(identity.nodeId()).isEmpty()) {
            log.info("{} is not in its seed list: it serves through the ring {} and joins on POST /admin/join (advertising {})",
                    identity.nodeId(), membership.ring().nodes(), advertised);
        }
        if (membership.ring().replicationFactor() < properties.replicationFactor()) {
            log.warn("only {} node(s) in the ring: N is {} instead of the configured {}", membership.ring().nodes().size(),
                    membership.ring().replicationFactor(), properties.replicationFactor());
        }
        log.info("ring of {} with N={}, {} partitions, {} tokens per node; this node is the first replica of {} partitions",
                membership.ring().nodes(), membership.ring().replicationFactor(), properties.partitions(),
                properties.tokensPerNode(), membership.ring().primaryPartitions().get(identity.nodeId()));
        return membership;
    }

    @Bean
    KvMetrics kvMetrics(MeterRegistry registry, ReplicaStorage storage, Membership membership, NodeIdentity identity) {
        MicrometerKvMetrics metrics = new MicrometerKvMetrics(registry, storage);
        PerPeerMeters.forEveryPeer(membership, peer -> {
            if (!peer.equals(identity.nodeId())) {
                metrics.registerPeer(peer);
            }
        });
        return metrics;
    }

    /** The node's real clocks, and waits that block the calling thread: the simulation provides its own. */
    @Bean
    NodeRuntime nodeRuntime() {
        return NodeRuntime.SYSTEM;
    }

    @Bean
    Replica replica(NodeIdentity identity, ReplicaStorage storage, KvProperties properties, KvMetrics metrics) {
        return new Replica(identity.nodeId(), storage, Clock.systemUTC(), properties.maxSiblings(), metrics);
    }

    @Bean
    ReplicaTransport replicaTransport(InterNodeClient client, Membership membership, JsonMapper json) {
        return new HttpReplicaTransport(client, membership, response -> RemoteProblemException.from(response, json));
    }

    @Bean
    Coordinator coordinator(NodeIdentity identity, Membership membership, Replica replica, ReplicaTransport transport,
                            KvMetrics metrics, SloppyQuorum sloppyQuorum, ReadRepair readRepair, KvProperties properties,
                            PeerHealth failureDetector, NodeRuntime runtime) {
        ReadFanOut readFanOut = new ReadFanOut(ReadFanOut.Mode.parse(properties.readFanOut()),
                new SpeculativeReadDelay(properties.speculativeReadMinMillis(), properties.speculativeReadMaxMillis()),
                failureDetector);
        log.info("reads ask {} replicas{}", readFanOut.mode() == ReadFanOut.Mode.ALL ? "all N" : "R",
                readFanOut.mode() == ReadFanOut.Mode.ALL ? "" : ", one more after " + properties.speculativeReadMinMillis() + "–"
                        + properties.speculativeReadMaxMillis() + " ms (the recent p99 of replica reads) or a failure");
        return new Coordinator(identity.nodeId(), membership::view, replica, transport, metrics, sloppyQuorum, readRepair, readFanOut,
                runtime);
    }

    /** Ready once storage is open and the ring is known; never waits for peers (they start after us). */
    @Bean
    HealthIndicator kvStore(ReplicaStorage storage, Membership membership) {
        return () -> storage.isOpen()
                ? Health.up().withDetail("ringNodes", membership.ring().nodes())
                        .withDetail("ringState", membership.state().digest())
                        .withDetail("replicationFactor", membership.ring().replicationFactor()).build()
                : Health.down().withDetail("storage", "closed").build();
    }
}
