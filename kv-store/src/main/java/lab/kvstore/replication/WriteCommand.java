package lab.kvstore.replication;

import java.util.Objects;
import lab.kvstore.version.CausalContext;

/**
 * A client's put or delete as the coordinator receives it.
 *
 * @param value       the bytes (empty for a delete)
 * @param context     what the client had read; empty for a blind write
 * @param writeQuorum W: replicas that must store the write before it is acknowledged
 * @param strict      only the key's own replicas count toward W; otherwise (the default) a hint
 *                    stored on a fallback node for a down replica counts too (sloppy quorum)
 */
public record WriteCommand(String key, byte[] value, String contentType, boolean delete, CausalContext context,
                           int writeQuorum, boolean strict) {

    public WriteCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(context, "context");
        if (delete && value.length > 0) {
            throw new IllegalArgumentException("a delete carries no value");
        }
    }

    public static WriteCommand put(String key, byte[] value, String contentType, CausalContext context, int writeQuorum) {
        return new WriteCommand(key, value, contentType, false, context, writeQuorum, false);
    }

    public static WriteCommand delete(String key, CausalContext context, int writeQuorum) {
        return new WriteCommand(key, new byte[0], "application/octet-stream", true, context, writeQuorum, false);
    }

    public WriteCommand strict(boolean strictQuorum) {
        return new WriteCommand(key, value, contentType, delete, context, writeQuorum, strictQuorum);
    }

    public String type() {
        return delete ? "delete" : "put";
    }
}
