package lab.kvstore.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import lab.kvstore.ring.Member;
import lab.kvstore.ring.Membership;
import lab.kvstore.streaming.BytePacer;
import lab.kvstore.streaming.RingChange;
import lab.kvstore.streaming.StreamProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's join and leave (admin token required): asked of the node that joins or leaves,
 * answered 202 once the change is announced; {@code /admin/streaming} follows it to the end.
 */
@RestController
public class RingChangeController {

    private static final Logger log = LoggerFactory.getLogger(RingChangeController.class);

    private final RingChange ringChange;
    private final ExecutorService ringChangeRunner;
    private final Membership membership;
    private final BytePacer pacer;

    public RingChangeController(RingChange ringChange, ExecutorService ringChangeRunner, Membership membership, BytePacer pacer) {
        this.ringChange = ringChange;
        this.ringChangeRunner = ringChangeRunner;
        this.membership = membership;
        this.pacer = pacer;
    }

    @PostMapping("/admin/join")
    public ResponseEntity<Map<String, Object>> join() {
        return accepted(ringChange.requestJoin());
    }

    @PostMapping("/admin/leave")
    public ResponseEntity<Map<String, Object>> leave() {
        return accepted(ringChange.requestLeave());
    }

    private ResponseEntity<Map<String, Object>> accepted(Member announced) {
        ringChangeRunner.submit(() -> {
            try {
                ringChange.run();
            } catch (RuntimeException e) {
                log.warn("ring change failed: {}", e.toString());
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", announced.node());
        body.put("status", announced.status());
        body.put("version", announced.version());
        body.put("ring", membership.state().digest());
        body.put("follow", "/admin/streaming");
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }

    /** The change this node drives: phase, whom it waits for, each partition stream, the bound and its use. */
    @GetMapping("/admin/streaming")
    public Map<String, Object> streaming() {
        StreamProgress progress = ringChange.progress();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", membership.self());
        body.put("change", ringChange.change());
        body.put("phase", ringChange.phase());
        body.put("waitingFor", ringChange.waitingFor());
        body.put("lastError", ringChange.lastError());
        body.put("boundBytesPerSecond", pacer.bytesPerSecond());
        body.put("recentBytesPerSecond", progress.recentBytesPerSecond());
        body.put("throttledMillis", pacer.waitedNanos() / 1_000_000);
        body.put("bytesStreamed", progress.bytesStreamed());
        body.put("keysStreamed", progress.keysStreamed());
        body.put("partitionsPending", progress.partitionsPending());
        body.put("partitionsDone", progress.partitionsDone());
        Map<String, Object> targets = new LinkedHashMap<>();
        progress.perTarget().forEach((target, counts) -> targets.put(target, Map.of("done", counts[0], "planned", counts[1])));
        body.put("targets", targets);
        body.put("moves", progress.moves());
        return body;
    }
}
