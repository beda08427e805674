package lab.kvstore.membership;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A heartbeat table on the wire: one {@code node generation version} line per node. */
public final class HeartbeatTableCodec {

    private HeartbeatTableCodec() {
    }

    public static byte[] encode(Map<String, Heartbeat> table) {
        StringBuilder text = new StringBuilder();
        table.forEach((node, hb) -> text.append(node).append(' ').append(hb.generation()).append(' ').append(hb.version()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Map<String, Heartbeat> decode(byte[] bytes) {
        Map<String, Heartbeat> table = new TreeMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a heartbeat line: " + line);
            }
            table.put(parts[0], new Heartbeat(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }
        return table;
    }
}
