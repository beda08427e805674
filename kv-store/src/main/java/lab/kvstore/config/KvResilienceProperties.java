package lab.kvstore.config;

import lab.kvstore.limits.KvLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Part 2's settings ({@code kv.resilience.*}; env {@code KV_RESILIENCE_GOSSIP_INTERVAL_MILLIS} …).
 *
 * @param gossipIntervalMillis       one gossip round (heartbeat bump + exchanges) every this long
 * @param gossipFanOut               peers contacted per round (the gossip bound)
 * @param phiSuspect                 phi at which a peer is reported suspect
 * @param phiDown                    phi at which a peer is down: writes skip it for a fallback, hints wait
 * @param hintMaxCount               hints held per target at most
 * @param hintMaxBytes               hint bytes held per target at most
 * @param hintMaxAgeMillis           a hint older than this is dropped, not replayed; also the minimum age of a collected tombstone
 * @param hintReplayIntervalMillis   one replay round every this long
 * @param hintReplayBatch            hints sent per target per round at most (the replay rate bound)
 * @param readRepair                 repair stale replicas seen by reads
 * @param antiEntropyIntervalMillis  one partition synchronised every this long (the repair rate bound); 0 disables
 * @param merkleSegments             leaves per partition tree (a power of two)
 * @param collectTombstones          delete tombstones that every replica is known to hold
 * @param streamMaxBytesPerSecond    the partition streaming bound of a join or leave (bytes read plus bytes sent)
 * @param streamBatchBytes           entries sent to a partition's new owner per call, at most about this many bytes
 * @param ringChangeRetryMillis      pause before a join/leave retries an unconfirmed announcement or a failed stream
 */
@ConfigurationProperties("kv.resilience")
public record KvResilienceProperties(long gossipIntervalMillis, int gossipFanOut, double phiSuspect, double phiDown,
                                     long hintMaxCount, long hintMaxBytes, long hintMaxAgeMillis,
                                     long hintReplayIntervalMillis, int hintReplayBatch, boolean readRepair,
                                     long antiEntropyIntervalMillis, int merkleSegments, boolean collectTombstones,
                                     long streamMaxBytesPerSecond, long streamBatchBytes, long ringChangeRetryMillis) {

    public KvResilienceProperties {
        if (merkleSegments < 1 || merkleSegments > KvLimits.MAX_MERKLE_SEGMENTS || Integer.bitCount(merkleSegments) != 1) {
            throw new IllegalArgumentException("kv.resilience.merkle-segments must be a power of two from 1 to "
                    + KvLimits.MAX_MERKLE_SEGMENTS + " (what a peer accepts), got " + merkleSegments);
        }
    }
}
