package lab.cluster;

import java.security.SecureRandom;
import java.util.HexFormat;
import lab.cluster.topology.TopologyException;

/**
 * The two secrets every service node of one cluster shares: the operator's bearer token for
 * {@code /admin/**} (env {@code ADMIN_TOKEN}) and the credential nodes send each other on
 * {@code /internal/**} (env {@code CLUSTER_SECRET}, header {@code X-Lab-Cluster-Secret}).
 */
public record ClusterCredentials(String adminToken, String clusterSecret) {

    static final int MIN_LENGTH = 16;

    public ClusterCredentials {
        if (adminToken == null || adminToken.length() < MIN_LENGTH) {
            throw new TopologyException("the admin token must have at least " + MIN_LENGTH + " characters");
        }
        if (clusterSecret == null || clusterSecret.length() < MIN_LENGTH) {
            throw new TopologyException("the cluster secret must have at least " + MIN_LENGTH + " characters");
        }
    }

    /** Fresh random credentials for a new cluster. */
    public static ClusterCredentials random() {
        return new ClusterCredentials(randomSecret(), randomSecret());
    }

    /** 128 random bits, hex. */
    public static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
