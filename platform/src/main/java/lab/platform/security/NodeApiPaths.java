package lab.platform.security;

import java.util.List;

/**
 * Who may call which paths of a node, as path patterns (Spring's {@code PathPattern} syntax, matched
 * on the decoded path without path parameters, as the handler mappings match it). The operator API
 * needs the admin token; the internal API needs the cluster credential; health probes and the
 * Prometheus scrape stay open; every other path is the service's public API.
 */
public final class NodeApiPaths {

    /** Probes and the scrape: open to anyone who reaches the node. */
    public static final List<String> PUBLIC_ACTUATOR = List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus");

    /** The operator API: {@code Authorization: Bearer <ADMIN_TOKEN>}. */
    public static final List<String> OPERATOR = List.of("/admin/**", "/actuator/**");

    /** The nodes' API for each other: {@value ClusterCredential#HEADER}. */
    public static final List<String> INTERNAL = List.of("/internal/**");

    private NodeApiPaths() {
    }
}
