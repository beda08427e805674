package lab.kvstore.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import lab.kvstore.antientropy.AntiEntropy;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.handoff.HintReplayer;
import lab.kvstore.handoff.HintStore;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.membership.GossipRefusedException;
import lab.kvstore.membership.Gossiper;
import lab.kvstore.membership.GossipMessage;
import lab.kvstore.replication.KvMetrics;
import lab.kvstore.replication.Replica;
import lab.kvstore.ring.Membership;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionedValue;
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
            message = GossipMessage.decode(body(request, KvLimits.MAX_GOSSIP_BYTES));
        } catch (IllegalArgumentException e) {
            throw CommonProblems.MALFORMED_REQUEST.exception("not a gossip message: " + e.getMessage());
        }
        byte[] answer;
        try {
            answer = gossiper.receive(message).encode();
        } catch (GossipRefusedException e) {
            throw CommonProblems.MALFORMED_REQUEST.exception("gossip refused, nothing merged: " + e.getMessage());
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(answer);
    }

    /** A coordinator asks this node to hold a write for a down replica (sloppy quorum). */
    @PutMapping("/internal/hints/{target}/{encodedKey}")
    public ResponseEntity<Void> hold(@PathVariable String target, @PathVariable String encodedKey, HttpServletRequest request)
            throws IOException {
        if (!membership.peers().containsKey(target) || target.equals(membership.self())) {
            throw CommonProblems.MALFORMED_REQUEST.exception("cannot hold hints for " + target);
        }
        byte[] key = KeyRules.internalKeyBytes(encodedKey);
        VersionedValue value = PeerValues.value(body(request), membership.peers().keySet());
        if (!HintReplayer.hold(hints, metrics, target, key, value)) {
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
    public ResponseEntity<Void> dropStaleCopy(@PathVariable String partition) {
        int p = checked(partition);
        if (membership.ring().preferenceList(p).contains(membership.self())) {
            throw KvProblems.NOT_A_GAINER.exception(membership.self() + " replicates partition " + partition
                    + " in its current ring; its copy is not stale");
        }
        replica.dropPartition(p);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/internal/antientropy/{partition}/{segments}/leaves")
    public ResponseEntity<byte[]> leaves(@PathVariable String partition, @PathVariable String segments) {
        byte[][] leaves = antiEntropy.leaves(checked(partition), segmentCount(segments));
        ByteBuffer out = ByteBuffer.allocate(leaves.length * 32);
        Arrays.stream(leaves).forEach(out::put);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(out.array());
    }

    @GetMapping("/internal/antientropy/{partition}/{segments}/entries")
    public ResponseEntity<byte[]> entries(@PathVariable String partition, @PathVariable String segments, @RequestParam String wanted) {
        int p = checked(partition);
        int count = segmentCount(segments);
        Set<Integer> segmentIds = InternalParameters.segmentIds(wanted, count);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(EntriesCodec.encode(antiEntropy.entries(p, count, segmentIds)));
    }

    @PutMapping("/internal/antientropy/{partition}/entries")
    public ResponseEntity<Void> push(@PathVariable String partition, HttpServletRequest request) throws IOException {
        int p = checked(partition);
        List<StoredEntry> entries = PeerValues.entries(body(request), membership.peers().keySet());
        for (StoredEntry entry : entries) {
            if (membership.ring().partitionOf(entry.key()) != p) {
                throw CommonProblems.MALFORMED_REQUEST.exception("an entry's key belongs to partition "
                        + membership.ring().partitionOf(entry.key()) + ", not " + p + "; nothing applied");
            }
        }
        for (StoredEntry entry : entries) {
            replica.apply(p, entry.key(), entry.value());
        }
        return ResponseEntity.noContent().build();
    }

    private int checked(String partition) {
        return InternalParameters.partition(partition, membership.ring().partitionCount());
    }

    private static int segmentCount(String segments) {
        return InternalParameters.segmentCount(segments);
    }

    /** The body, bounded by the node-wide cap ({@code lab.http.max-body-bytes}). */
    private static byte[] body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** The body, refused with a 413 past {@code limitBytes}, reading at most one byte more. */
    private static byte[] body(HttpServletRequest request, int limitBytes) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(limitBytes + 1);
            if (body.length > limitBytes) {
                throw CommonProblems.PAYLOAD_TOO_LARGE.exception("this body is over the limit of " + limitBytes + " bytes")
                        .with("limit", limitBytes);
            }
            return body;
        }
    }
}
