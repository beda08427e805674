package lab.kvstore.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.kvstore.config.KvProperties;
import lab.kvstore.replication.Coordinator;
import lab.kvstore.replication.HttpReplicaTransport;
import lab.kvstore.replication.ReadResult;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.replication.WriteResult;
import lab.kvstore.ring.Membership;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The public API: {@code PUT/GET/DELETE /kv/{key}}, the same on every node. */
@RestController
public class KvController {

    private final Coordinator coordinator;
    private final Membership membership;
    private final KvProperties properties;
    private final ProblemFactory problems;

    public KvController(Coordinator coordinator, Membership membership, KvProperties properties, ProblemFactory problems) {
        this.coordinator = coordinator;
        this.membership = membership;
        this.properties = properties;
        this.problems = problems;
    }

    @PutMapping("/kv/{*key}")
    public ResponseEntity<Void> put(@PathVariable String key, HttpServletRequest request,
                                    @RequestHeader(name = HttpReplicaTransport.CONTEXT_HEADER, required = false) String context,
                                    @RequestParam(required = false) String w,
                                    @RequestParam(required = false) Boolean strict) throws IOException {
        String k = key(key);
        KeyRules.keyBytes(k);
        int writeQuorum = quorum("w", w, properties.defaultWriteQuorum());
        String contentType = contentType(request.getContentType());
        var causal = ClientContexts.parse(context, membership.peers().keySet());
        byte[] value = readValue(request);
        return written(coordinator.write(WriteCommand.put(k, value, contentType, causal, writeQuorum)
                        .strict(Boolean.TRUE.equals(strict)), properties.requestTimeoutMillis()));
    }

    @DeleteMapping("/kv/{*key}")
    public ResponseEntity<Void> delete(@PathVariable String key,
                                       @RequestHeader(name = HttpReplicaTransport.CONTEXT_HEADER, required = false) String context,
                                       @RequestParam(required = false) String w,
                                       @RequestParam(required = false) Boolean strict) {
        String k = key(key);
        KeyRules.keyBytes(k);
        int writeQuorum = quorum("w", w, properties.defaultWriteQuorum());
        return written(coordinator.write(WriteCommand.delete(k, ClientContexts.parse(context, membership.peers().keySet()), writeQuorum)
                        .strict(Boolean.TRUE.equals(strict)), properties.requestTimeoutMillis()));
    }

    @GetMapping("/kv/{*key}")
    public ResponseEntity<?> get(@PathVariable String key, HttpServletRequest request,
                                 @RequestParam(required = false) String r,
                                 @RequestParam(required = false) Boolean strict) {
        String k = key(key);
        KeyRules.keyBytes(k);
        int readQuorum = quorum("r", r, properties.defaultReadQuorum());
        ReadResult result = coordinator.read(k, readQuorum, properties.requestTimeoutMillis());
        VersionedValue merged = result.merged();
        String token = VersionCodec.toToken(merged.context());
        if (merged.isAbsent() || merged.isDeleted()) {
            var notFound = ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON);
            if (merged.isDeleted()) {
                // Writing with this context supersedes the tombstone instead of becoming its sibling.
                notFound.header(HttpReplicaTransport.CONTEXT_HEADER, token);
            }
            String detail = merged.isDeleted() ? "key '" + k + "' was deleted" : "no value for key '" + k + "'";
            return notFound.body(problems.create(KvProblems.KEY_NOT_FOUND, detail, request.getRequestURI()));
        }
        if (merged.siblings().size() == 1) {
            Sibling only = merged.siblings().firstEntry().getValue();
            return ResponseEntity.ok()
                    .header(HttpReplicaTransport.CONTEXT_HEADER, token)
                    .header("Content-Type", only.contentType())
                    .body(only.value());
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (Sibling sibling : merged.siblings().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("value", Base64.getEncoder().encodeToString(sibling.value()));
            entry.put("contentType", sibling.contentType());
            entry.put("timestamp", Instant.ofEpochMilli(sibling.timestampMillis()).toString());
            entry.put("deleted", sibling.tombstone());
            siblings.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", k);
        body.put("siblings", siblings);
        body.put("context", token);
        return ResponseEntity.status(HttpStatus.MULTIPLE_CHOICES)
                .header(HttpReplicaTransport.CONTEXT_HEADER, token)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    static ResponseEntity<Void> written(WriteResult result) {
        return ResponseEntity.noContent()
                .header(HttpReplicaTransport.CONTEXT_HEADER, VersionCodec.toToken(result.context()))
                .header(HttpReplicaTransport.COORDINATOR_HEADER, result.coordinator())
                .header(HttpReplicaTransport.ACKS_HEADER, Integer.toString(result.acks()))
                .build();
    }

    /** {@code {*key}} captures the rest of the path with its leading slash. */
    private static String key(String captured) {
        return captured.startsWith("/") ? captured.substring(1) : captured;
    }

    private int quorum(String name, String requested, int fallback) {
        return Quorums.parsed(name, requested, fallback, membership.ring().replicationFactor());
    }

    static String contentType(String header) {
        if (header == null || header.isBlank()) {
            return Sibling.DEFAULT_CONTENT_TYPE;
        }
        if (header.length() > KeyRules.MAX_CONTENT_TYPE_CHARS) {
            throw CommonProblems.INVALID_PARAMETER.exception("Content-Type is longer than "
                    + KeyRules.MAX_CONTENT_TYPE_CHARS + " characters").with("parameter", "Content-Type");
        }
        try {
            MediaType.parseMediaType(header);
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            throw CommonProblems.INVALID_PARAMETER.exception("Content-Type '" + header + "' is not a media type: "
                    + e.getMessage()).with("parameter", "Content-Type");
        }
        return header;
    }

    /** Reads at most one byte past the limit, so an oversize chunked body is refused without buffering it. */
    static byte[] readValue(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > KeyRules.MAX_VALUE_BYTES) {
            throw tooLarge(declared);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] value = in.readNBytes(KeyRules.MAX_VALUE_BYTES + 1);
            if (value.length > KeyRules.MAX_VALUE_BYTES) {
                throw tooLarge(value.length);
            }
            return value;
        }
    }

    private static RuntimeException tooLarge(long bytes) {
        return CommonProblems.PAYLOAD_TOO_LARGE.exception("a value is at most " + KeyRules.MAX_VALUE_BYTES
                + " bytes (1 MiB); this body has at least " + bytes).with("limit", KeyRules.MAX_VALUE_BYTES);
    }
}
