package lab.idgen.lease;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;

/**
 * The persistent record of one worker ID in ZooKeeper ({@code /idgen/workers/<id>}), which
 * outlives every lease on it:
 * <ul>
 *   <li>{@code epoch}: how many times the worker ID was acquired; each holder bumps it with a
 *       version-checked write, so a holder whose write fails on the version knows it was fenced;</li>
 *   <li>{@code highWaterMarkMillis}: no ID with this worker ID has a later time. A holder raises it
 *       ahead of the IDs it issues and the next holder starts above it, so a node whose clock is
 *       behind the previous holder's cannot reissue that holder's IDs;</li>
 *   <li>{@code node}: who wrote it last, for humans.</li>
 * </ul>
 * Stored as text so {@code zkCli.sh get /idgen/workers/7} is readable.
 */
public record WorkerRecord(long epoch, long highWaterMarkMillis, String node, Instant updatedAt) {

    public byte[] toBytes() {
        return ("epoch=" + epoch + "\nhighWaterMarkMillis=" + highWaterMarkMillis + "\nhighWaterMark="
                + Instant.ofEpochMilli(highWaterMarkMillis) + "\nnode=" + node + "\nupdatedAt=" + updatedAt + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static WorkerRecord parse(byte[] data) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            return new WorkerRecord(
                    Long.parseLong(properties.getProperty("epoch", "0").strip()),
                    Long.parseLong(properties.getProperty("highWaterMarkMillis", "0").strip()),
                    properties.getProperty("node", "?").strip(),
                    Instant.parse(properties.getProperty("updatedAt", "1970-01-01T00:00:00Z").strip()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("unreadable worker record: " + new String(data, StandardCharsets.UTF_8), e);
        }
    }
}
