package lab.gateway.ratelimit;

import java.util.Map;
import lab.platform.security.ClusterCredential;

/**
 * The cluster credential the gateway presents on the limiter's {@code /internal/**} API, as the
 * headers of a call. It is the platform's {@link ClusterCredential}: a gateway without
 * {@code CLUSTER_SECRET} runs with a random one (and says so), so no limiter node accepts its
 * internal calls and its edge limits follow their failure modes.
 */
final class ClusterSecretHeader {

    private final Map<String, String> headers;

    ClusterSecretHeader(ClusterCredential credential) {
        this.headers = Map.of(credential.header(), credential.value());
    }

    Map<String, String> asHeaders() {
        return headers;
    }
}
