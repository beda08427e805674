package lab.idgen.api;

import java.nio.charset.StandardCharsets;
import lab.platform.identity.NodeIdentity;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/noop}: the cheapest answer this node's web stack can give, through the
 * same filters as {@code POST /ids}. The HTTP benchmark measures {@code POST /ids} against it in
 * the same run, so the figure says what issuing an ID costs on top of serving a request.
 */
@RestController
public class NoopController {

    private final byte[] body;

    public NoopController(NodeIdentity identity) {
        this.body = ("{\"node\":\"" + identity.nodeId() + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    @PostMapping(path = "/internal/noop", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> noop() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
