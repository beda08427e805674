package lab.kvstore.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The store's settings ({@code kv.*} in application.yml).
 *
 * @param seeds                 {@code name=url,...} of every node of the ring (KV_SEEDS)
 * @param dataDir               where RocksDB lives (DATA_DIR); must survive restarts
 * @param replicationFactor     N, replicas per key
 * @param defaultReadQuorum     R when a request names none
 * @param defaultWriteQuorum    W when a request names none
 * @param requestTimeoutMillis  deadline of one client request at its coordinator
 * @param maxSiblings           the most concurrent versions a key may have before writes that do not resolve them fail
 * @param partitions            fixed ring partitions (a power of two; fixed for a data directory's life)
 * @param tokensPerNode         virtual-node tokens each node places on the ring
 * @param readFanOut            "quorum": a read asks R replicas, one more when one fails or is slow (Cassandra's
 *                              speculative retry); "all": it asks all N and answers with the first R
 * @param speculativeReadMinMillis  the shortest wait before a read asks one more replica
 * @param speculativeReadMaxMillis  the longest (the wait is the recent p99 of replica reads, between the two)
 * @param advertisedUrl         how other nodes reach this one (KV_ADVERTISED_URL); only used when this node is
 *                              not in its own seed list (it is about to join); empty: http://127.0.0.1:&lt;server.port&gt;
 */
@ConfigurationProperties("kv")
public record KvProperties(String seeds, Path dataDir, int replicationFactor, int defaultReadQuorum,
                           int defaultWriteQuorum, long requestTimeoutMillis, int maxSiblings, int partitions,
                           int tokensPerNode, String readFanOut, long speculativeReadMinMillis,
                           long speculativeReadMaxMillis, String advertisedUrl) {

    public KvProperties {
        if (requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("kv.request-timeout-millis must be positive");
        }
        if (replicationFactor < 1 || defaultReadQuorum < 1 || defaultWriteQuorum < 1) {
            throw new IllegalArgumentException("kv.replication-factor and the default quorums must be at least 1");
        }
    }
}
