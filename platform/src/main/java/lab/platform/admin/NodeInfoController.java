package lab.platform.admin;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.platform.identity.NodeIdentity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/node}: who this node is and how long it has been up, for operators and scripts. */
@RestController
public class NodeInfoController {

    private final NodeIdentity identity;

    public NodeInfoController(NodeIdentity identity) {
        this.identity = identity;
    }

    @GetMapping("/admin/node")
    public Map<String, Object> node() {
        var runtime = ManagementFactory.getRuntimeMXBean();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", identity.nodeId());
        body.put("application", identity.application());
        body.put("pid", ProcessHandle.current().pid());
        body.put("startedAt", Instant.ofEpochMilli(runtime.getStartTime()).toString());
        body.put("uptimeSeconds", Duration.ofMillis(runtime.getUptime()).toSeconds());
        body.put("javaVersion", Runtime.version().toString());
        return body;
    }
}
