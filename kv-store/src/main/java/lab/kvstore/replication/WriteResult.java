package lab.kvstore.replication;

import lab.kvstore.version.CausalContext;

/**
 * An acknowledged write.
 *
 * @param context     what the writer has now seen: its read context plus its own write; a later
 *                    write with it replaces this write, never a concurrent one
 * @param coordinator the node that gave the write its dot
 * @param acks        replicas that had stored it when it was acknowledged
 */
public record WriteResult(CausalContext context, String coordinator, int acks) {
}
