package lab.cluster.topology;

/** The kinds of infrastructure server the cluster runs. */
public enum InfraKind {
    POSTGRES, REDIS, ZOOKEEPER, KAFKA, PROMETHEUS;

    public static InfraKind parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TopologyException("unknown infrastructure kind '" + text + "'; known: "
                    + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT));
        }
    }
}
