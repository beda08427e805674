package lab.kvstore.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import lab.kvstore.antientropy.AntiEntropy;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.handoff.HintReplayer;
import lab.kvstore.handoff.HintStore;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.membership.GossipMessage;
import lab.kvstore.replication.HttpReplicaTransport;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.ring.Membership;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionCodec;
import lab.platform.problem.CommonProblems;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Server side of gossip, hints held for other nodes, and anti-entropy exchanges. Never routed by the gateway. */
@RestController
public class InternalResilienceController {

    private final Gossiper gossiper;
    private final HintStore hints;
    private final KvMetrics metrics;
    private final AntiEntropy antiEntropy;
    private final Replica replica;
    private final Membership membership;

    public InternalResilienceController(Gossiper gossiper, HintStore hints, KvMetrics metrics, AntiEntropy antiEntropy,
                                        Replica replica, Membership membership) {
        this.gossiper = gossiper;
        this.hints = hints;
        this.metrics = metrics;
        this.antiEntropy = antiEntropy;
        this.replica = replica;
        this.membership = membership;
    }

    @PostMapping("/internal/gossip")
    public ResponseEntity<byte[]> gossip(HttpServletRequest request) throws IOException {
        GossipMessage message;
        try {
            message = GossipMessage.decode(body(request));
        } catch (IllegalArgumentException e) {
            throw CommonProblems.MALFORMED_REQUEST.exception("not a gossip message: " + e.getMessage());
        }
        byte[] answer = gossiper.receive(message).encode();
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(answer);
    }

    /** A coordinator asks this node to hold a write for a down replica (sloppy quorum). */
    @PutMapping("/internal/hints/{target}/{encodedKey}")
    public ResponseEntity<Void> hold(@PathVariable String target, @PathVariable String encodedKey, HttpServletRequest request)
            throws IOException {
        if (!membership.peers().containsKey(target) || target.equals(membership.self())) {
            throw CommonProblems.MALFORMED_REQUEST.exception("cannot hold hints for " + target);
        }
        byte[] key = KeyRules.keyBytes(HttpReplicaTransport.decodeKey(encodedKey));
        if (!HintReplayer.hold(hints, metrics, target, key, VersionCodec.decode(body(request)))) {
            throw CommonProblems.SERVICE_UNAVAILABLE_TYPE.exception("the hint queue for " + target + " is at its bound "
                    + hints.bounds() + "; pending " + hints.pending().get(target));
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * A node streaming a partition here asks this node to drop an old copy first. Refused for a
     * partition this node replicates now: that copy is live data, never stale.
     */
    @DeleteMapping("/internal/partitions/{partition}/stale-copy")
    public ResponseEntity<Void> dropStaleCopy(@PathVariable int partition) {
        if (membership.ring().preferenceList(checked(partition)).contains(membership.self())) {
            throw KvProblems.NOT_A_GAINER.exception(membership.self() + " replicates partition " + partition
                    + " in its current ring; its copy is not stale");
        }
        replica.dropPartition(partition);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/internal/antientropy/{partition}/{segments}/leaves")
    public ResponseEntity<byte[]> leaves(@PathVariable int partition, @PathVariable int segments) {
        byte[][] leaves = antiEntropy.leaves(checked(partition), segments);
        ByteBuffer out = ByteBuffer.allocate(leaves.length * 32);
        Arrays.stream(leaves).forEach(out::put);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(out.array());
    }

    @GetMapping("/internal/antientropy/{partition}/{segments}/entries")
    public ResponseEntity<byte[]> entries(@PathVariable int partition, @PathVariable int segments, @RequestParam String wanted) {
        Set<Integer> segmentIds = Arrays.stream(wanted.split(",")).map(Integer::parseInt).collect(Collectors.toSet());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(EntriesCodec.encode(antiEntropy.entries(checked(partition), segments, segmentIds)));
    }

    @PutMapping("/internal/antientropy/{partition}/entries")
    public ResponseEntity<Void> push(@PathVariable int partition, HttpServletRequest request) throws IOException {
        for (StoredEntry entry : EntriesCodec.decode(body(request))) {
            replica.apply(checked(partition), entry.key(), entry.value());
        }
        return ResponseEntity.noContent().build();
    }

    private int checked(int partition) {
        if (partition < 0 || partition >= membership.ring().partitionCount()) {
            throw CommonProblems.MALFORMED_REQUEST.exception("no partition " + partition);
        }
        return partition;
    }

    private static byte[] body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readAllBytes();
        }
    }
}
