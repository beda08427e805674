package lab.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret every node of one cluster shares and sends on each call to another node, in
 * {@value #HEADER}. The nodes' {@code /internal/**} API answers only a caller that presents it
 * (compared in constant time). Configured by {@code CLUSTER_SECRET} ({@code lab.cluster.secret});
 * a node without one invents a random secret for its lifetime, so a lone node still works but no
 * other node can call its internal API.
 */
public final class ClusterCredential {

    /** The request header that carries the secret. */
    public static final String HEADER = "X-Lab-Cluster-Secret";

    static final int MIN_LENGTH = 16;

    private final String value;
    private final byte[] bytes;
    private final boolean generated;

    private ClusterCredential(String value, boolean generated) {
        this.value = value;
        this.bytes = value.getBytes(StandardCharsets.UTF_8);
        this.generated = generated;
    }

    /** Uses the configured secret, or invents a random one when none is configured. */
    public static ClusterCredential configuredOrGenerated(String configured) {
        if (configured != null && !configured.isBlank()) {
            String secret = configured.strip();
            if (secret.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("CLUSTER_SECRET must be at least " + MIN_LENGTH + " characters long");
            }
            return new ClusterCredential(secret, false);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new ClusterCredential(HexFormat.of().formatHex(random), true);
    }

    /** The header name to send the secret in. */
    public String header() {
        return HEADER;
    }

    /** The secret itself, for a client that calls another node of the cluster. */
    public String value() {
        return value;
    }

    /** Whether a presented header value is this cluster's secret, in time independent of where they differ. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(bytes, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** True when no secret was configured and this node made one up. */
    public boolean generated() {
        return generated;
    }

    @Override
    public String toString() {
        return "ClusterCredential[" + HEADER + ", " + (generated ? "generated" : "configured") + "]";
    }
}
