package lab.platform.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.platform.identity.NodeIdentity;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The drill controls every node shares (behind the admin token):
 * <ul>
 *   <li>{@code POST /admin/faults} sets the members it names: {@code latencyMillis},
 *       {@code latencyJitterMillis}, {@code errorRate} (0..1), {@code dropPeers} (added to the
 *       dropped set) and any service fault such as {@code clockOffsetMillis}. All members are
 *       validated before any is applied.</li>
 *   <li>{@code GET /admin/faults} shows every fault and which are active.</li>
 *   <li>{@code DELETE /admin/faults} clears all; {@code DELETE /admin/faults/{kind}} one kind;
 *       {@code DELETE /admin/faults/drop-peers/{peer}} heals one peer.</li>
 * </ul>
 */
@RestController
public class FaultsController {

    private static final Logger log = LoggerFactory.getLogger(FaultsController.class);

    private final FaultRegistry faults;
    private final NodeIdentity identity;
    private final JsonMapper jsonMapper;

    public FaultsController(FaultRegistry faults, NodeIdentity identity, JsonMapper jsonMapper) {
        this.faults = faults;
        this.identity = identity;
        this.jsonMapper = jsonMapper;
    }

    @GetMapping(path = "/admin/faults", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> list() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", identity.nodeId());
        body.put("latencyMillis", faults.latencyMillis());
        body.put("latencyJitterMillis", faults.latencyJitterMillis());
        body.put("errorRate", faults.errorRate());
        body.put("dropPeers", faults.droppedPeers());
        for (FaultExtension<?> extension : faults.extensions()) {
            body.put(extension.field(), extension.current());
        }
        body.put("active", faults.activeKinds());
        return body;
    }

    @PostMapping(path = "/admin/faults", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> set(@RequestBody JsonNode request) {
        if (request == null || !request.isObject() || request.isEmpty()) {
            throw invalid("Send a JSON object with at least one of " + knownFields());
        }
        List<Runnable> changes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : request.properties()) {
            changes.add(parse(member.getKey(), member.getValue(), request));
        }
        changes.forEach(Runnable::run);
        log.warn("Faults changed by operator: {} -> active {}", request, faults.activeKinds());
        return list();
    }

    @DeleteMapping(path = "/admin/faults", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> clearAll() {
        faults.clearAll();
        log.warn("All faults cleared by operator");
        return list();
    }

    @DeleteMapping(path = "/admin/faults/{kind}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> clear(@PathVariable String kind) {
        if (!faults.clear(kind)) {
            throw CommonProblems.NOT_FOUND_TYPE.exception("No fault kind '" + kind + "'; kinds: " + faults.kinds());
        }
        log.warn("Fault {} cleared by operator", kind);
        return list();
    }

    @DeleteMapping(path = "/admin/faults/drop-peers/{peer}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> heal(@PathVariable String peer) {
        if (!faults.healPeer(peer)) {
            throw CommonProblems.NOT_FOUND_TYPE.exception("Traffic to " + peer + " is not dropped");
        }
        log.warn("Traffic to {} restored by operator", peer);
        return list();
    }

    /** Validates one member now and returns the change to apply once every member is valid. */
    private Runnable parse(String field, JsonNode value, JsonNode request) {
        try {
            switch (field) {
                case "latencyMillis", "latencyJitterMillis" -> {
                    // The two members form one fault; applying the pair once per member is harmless.
                    long latency = wholeNumber("latencyMillis", request.get("latencyMillis"), faults.latencyMillis());
                    long jitter = wholeNumber("latencyJitterMillis", request.get("latencyJitterMillis"), faults.latencyJitterMillis());
                    if (latency < 0 || latency > FaultRegistry.MAX_LATENCY_MILLIS || jitter < 0 || jitter > FaultRegistry.MAX_LATENCY_MILLIS) {
                        throw new IllegalArgumentException("latencyMillis and latencyJitterMillis must be between 0 and "
                                + FaultRegistry.MAX_LATENCY_MILLIS);
                    }
                    return () -> faults.setLatency(latency, jitter);
                }
                case "errorRate" -> {
                    if (!value.isNumber()) {
                        throw new IllegalArgumentException("errorRate must be a number between 0.0 and 1.0");
                    }
                    double rate = value.asDouble();
                    if (!(rate >= 0.0 && rate <= 1.0)) {
                        throw new IllegalArgumentException("errorRate must be between 0.0 and 1.0, got " + rate);
                    }
                    return () -> faults.setErrorRate(rate);
                }
                case "dropPeers" -> {
                    if (!value.isArray()) {
                        throw new IllegalArgumentException("dropPeers must be an array of node names");
                    }
                    List<String> peers = new ArrayList<>();
                    for (JsonNode peer : value) {
                        if (!peer.isString()) {
                            throw new IllegalArgumentException("dropPeers must hold node names, got " + peer);
                        }
                        faults.validatePeer(peer.asString());
                        peers.add(peer.asString());
                    }
                    return () -> faults.dropPeers(peers);
                }
                default -> {
                    return parseExtension(field, value);
                }
            }
        } catch (IllegalArgumentException invalid) {
            throw invalid(invalid.getMessage()).with("field", field);
        }
    }

    private <T> Runnable parseExtension(String field, JsonNode value) {
        for (FaultExtension<?> candidate : faults.extensions()) {
            if (candidate.field().equals(field)) {
                @SuppressWarnings("unchecked")
                FaultExtension<T> extension = (FaultExtension<T>) candidate;
                T parsed;
                try {
                    parsed = jsonMapper.treeToValue(value, extension.valueType());
                } catch (JacksonException wrongType) {
                    throw new IllegalArgumentException(field + " must be a " + extension.valueType().getSimpleName());
                }
                if (parsed == null) {
                    throw new IllegalArgumentException(field + " must not be null; DELETE /admin/faults/" + extension.kind() + " clears it");
                }
                extension.validate(parsed);
                return () -> extension.apply(parsed);
            }
        }
        throw new ProblemException(CommonProblems.UNKNOWN_FIELD, "Unknown fault '" + field + "'; known: " + knownFields())
                .with("field", field);
    }

    private static long wholeNumber(String field, JsonNode value, long current) {
        if (value == null) {
            return current;
        }
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " must be a whole number of milliseconds");
        }
        return value.asLong();
    }

    private List<String> knownFields() {
        List<String> fields = new ArrayList<>(List.of("latencyMillis", "latencyJitterMillis", "errorRate", "dropPeers"));
        faults.extensions().forEach(e -> fields.add(e.field()));
        return fields;
    }

    private static ProblemException invalid(String detail) {
        return CommonProblems.INVALID_FIELD.exception(detail);
    }
}
