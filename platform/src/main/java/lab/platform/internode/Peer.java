package lab.platform.internode;

import java.net.URI;
import java.util.Objects;
import lab.platform.identity.NodeIdentity;

/** Another node by name and base URL (for example {@code kv-2} at {@code http://127.0.0.1:8302}). */
public record Peer(String nodeId, URI baseUrl) {

    public Peer {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!NodeIdentity.NODE_ID_PATTERN.matcher(Objects.requireNonNull(nodeId, "nodeId")).matches()) {
            throw new IllegalArgumentException("'" + nodeId + "' is not a node name");
        }
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("peer " + nodeId + " needs an absolute base URL, got " + baseUrl);
        }
    }

    public static Peer of(String nodeId, String baseUrl) {
        return new Peer(nodeId, URI.create(baseUrl));
    }

    /**
     * Parses the {@code name=url} list form used in configuration and environment variables:
     * {@code kv-1=http://127.0.0.1:8301,kv-2=http://127.0.0.1:8302}.
     */
    public static java.util.List<Peer> parseList(String spec) {
        if (spec == null || spec.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(spec.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(entry -> {
                    int eq = entry.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("peer entry '" + entry + "' must look like name=http://host:port");
                    }
                    return of(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
                })
                .toList();
    }

    URI resolve(String pathAndQuery) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + (pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery));
    }
}
