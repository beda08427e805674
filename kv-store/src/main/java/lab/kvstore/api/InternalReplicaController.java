package lab.kvstore.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import lab.kvstore.config.KvProperties;
import lab.kvstore.replication.Coordinator;
import lab.kvstore.replication.HttpReplicaTransport;
import lab.kvstore.replication.Replica;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.ring.Membership;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import lab.platform.internode.InterNodeHeaders;
import lab.platform.problem.CommonProblems;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The replica protocol's server side: read a local replica, join a delta into it, and coordinate
 * a write forwarded by a node that is not a replica of the key. Never routed by the gateway.
 */
@RestController
public class InternalReplicaController {

    /** Answer this much before the caller's deadline so the answer, not a timeout, reaches it. */
    private static final long DEADLINE_MARGIN_MILLIS = 50;

    private final Replica replica;
    private final Coordinator coordinator;
    private final Membership membership;
    private final KvProperties properties;

    public InternalReplicaController(Replica replica, Coordinator coordinator, Membership membership, KvProperties properties) {
        this.replica = replica;
        this.coordinator = coordinator;
        this.membership = membership;
        this.properties = properties;
    }

    @GetMapping("/internal/kv/{encodedKey}")
    public ResponseEntity<byte[]> read(@PathVariable String encodedKey) {
        byte[] key = keyBytes(encodedKey);
        VersionedValue value = replica.read(membership.ring().partitionOf(key), key);
        if (value.isAbsent() && value.context().isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(VersionCodec.encode(value));
    }

    @PutMapping("/internal/kv/{encodedKey}")
    public ResponseEntity<Void> apply(@PathVariable String encodedKey, HttpServletRequest request) throws IOException {
        byte[] key = keyBytes(encodedKey);
        VersionedValue delta;
        try (InputStream in = request.getInputStream()) {
            delta = PeerValues.value(in.readAllBytes(), membership.peers().keySet());
        }
        replica.apply(membership.ring().partitionOf(key), key, delta);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/internal/kv/{encodedKey}/coordinate")
    public ResponseEntity<Void> coordinate(@PathVariable String encodedKey, HttpServletRequest request,
                                           @RequestHeader(name = HttpReplicaTransport.CONTEXT_HEADER, required = false) String context,
                                           @RequestHeader(HttpReplicaTransport.WRITE_QUORUM_HEADER) int writeQuorum,
                                           @RequestHeader(HttpReplicaTransport.DELETE_HEADER) boolean delete,
                                           @RequestHeader(name = HttpReplicaTransport.STRICT_HEADER, required = false) boolean strict,
                                           @RequestHeader(name = InterNodeHeaders.DEADLINE_MILLIS, required = false) Long deadlineMillis)
            throws IOException {
        String key = new String(keyBytes(encodedKey), StandardCharsets.UTF_8);
        if (!coordinator.replicasOf(key).contains(membership.self())) {
            // Only a replica may mint a dot; forwarding on from here could loop between disagreeing rings.
            throw CommonProblems.SERVICE_UNAVAILABLE_TYPE.exception(membership.self() + " is not a replica of this key; its replicas are "
                    + coordinator.replicasOf(key));
        }
        byte[] value = KvController.readValue(request);
        String contentType = KvController.contentType(request.getContentType());
        int w = Quorums.checked(HttpReplicaTransport.WRITE_QUORUM_HEADER, writeQuorum, writeQuorum, membership.ring().replicationFactor());
        CausalContext causal = ClientContexts.parse(context, membership.peers().keySet());
        WriteCommand command = delete
                ? WriteCommand.delete(key, causal, w)
                : WriteCommand.put(key, value, contentType, causal, w);
        command = command.strict(strict);
        long timeout = properties.requestTimeoutMillis();
        if (deadlineMillis != null) {
            if (deadlineMillis < 0) {
                throw CommonProblems.INVALID_PARAMETER.exception(InterNodeHeaders.DEADLINE_MILLIS + " is negative: " + deadlineMillis)
                        .with("parameter", InterNodeHeaders.DEADLINE_MILLIS);
            }
            timeout = Math.max(1, Math.min(timeout, deadlineMillis - DEADLINE_MARGIN_MILLIS));
        }
        // Same answer as the public PUT, so the forwarding node can relay it header for header.
        return KvController.written(coordinator.write(command, timeout));
    }

    private static byte[] keyBytes(String encodedKey) {
        return KeyRules.internalKeyBytes(encodedKey);
    }
}
