package lab.gateway.ratelimit;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster credential the gateway presents on the limiter's {@code /internal/**} API: header
 * {@code X-Lab-Cluster-Secret}, value {@code CLUSTER_SECRET} ({@code lab.cluster.secret}). A gateway
 * without one invents a random secret (and says so): it runs, but no limiter node will accept its
 * internal calls, so its edge limits follow their failure modes.
 */
final class ClusterSecretHeader {

    static final String NAME = "X-Lab-Cluster-Secret";
    private static final Logger log = LoggerFactory.getLogger(ClusterSecretHeader.class);

    private final String value;

    private ClusterSecretHeader(String value) {
        this.value = value;
    }

    static ClusterSecretHeader of(String configured) {
        if (configured != null && !configured.isBlank()) {
            return new ClusterSecretHeader(configured.strip());
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        log.warn("CLUSTER_SECRET is not set: the rate-limiter will refuse the gateway's internal calls "
                + "(edge limits then follow their failure modes)");
        return new ClusterSecretHeader(HexFormat.of().formatHex(random));
    }

    Map<String, String> asHeaders() {
        return Map.of(NAME, value);
    }
}
