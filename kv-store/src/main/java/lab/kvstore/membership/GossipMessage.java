package lab.kvstore.membership;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import lab.kvstore.ring.RingState;

/**
 * What one gossip exchange carries each way: the sender's heartbeat table and its ring state.
 * On the wire, one {@code node generation version} line per heartbeat and one
 * {@code @ node status version url} line per ring member.
 */
public record GossipMessage(Map<String, Heartbeat> heartbeats, RingState ring) {

    private static final String MEMBER_PREFIX = "@ ";

    public byte[] encode() {
        StringBuilder text = new StringBuilder();
        heartbeats.forEach((node, hb) -> text.append(node).append(' ').append(hb.generation()).append(' ').append(hb.version()).append('\n'));
        ring.encode().lines().forEach(line -> text.append(MEMBER_PREFIX).append(line).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static GossipMessage decode(byte[] bytes) {
        Map<String, Heartbeat> table = new TreeMap<>();
        StringBuilder members = new StringBuilder();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith(MEMBER_PREFIX)) {
                members.append(line.substring(MEMBER_PREFIX.length())).append('\n');
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a heartbeat line: " + line);
            }
            table.put(parts[0], new Heartbeat(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }
        return new GossipMessage(table, RingState.decode(members.toString()));
    }
}
