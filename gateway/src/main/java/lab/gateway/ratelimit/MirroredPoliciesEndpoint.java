package lab.gateway.ratelimit;

import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code GET /actuator/edgepolicies}: the policies (and failure modes) the edge would apply if the limiter were unreachable now. */
@Endpoint(id = "edgepolicies")
public class MirroredPoliciesEndpoint {

    private final PolicyMirror mirror;

    MirroredPoliciesEndpoint(PolicyMirror mirror) {
        this.mirror = mirror;
    }

    @ReadOperation
    public Map<String, Object> policies() {
        return mirror.view();
    }
}
