package lab.platform.identity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who this process is: the node name of DESIGN.md §4 (for example {@code kv-2}) and the
 * application it runs. Both appear in every log line, every metric and every error body,
 * so that a user reading any one of them knows which node spoke.
 */
public record NodeIdentity(String nodeId, String application) {

    /** Node names are short DNS-label-like names; they become metric tags and header values. */
    public static final Pattern NODE_ID_PATTERN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public NodeIdentity {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(application, "application");
        if (!NODE_ID_PATTERN.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("NODE_ID '" + nodeId
                    + "' is not a valid node name (lower-case letters, digits and '-', at most 63 characters)");
        }
    }
}
