package lab.idgen.reservation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The node's time high-water mark on its own disk ({@code DATA_DIR}): a millisecond that no ID
 * this node has issued goes beyond, and the worker ID it last held (which it asks for again after
 * a restart). Written to a temporary file, forced to disk, then atomically renamed over the old
 * one: after a crash the file holds either the old or the new mark, both of them safe.
 */
public final class HighWaterMarkFile {

    public static final String FILE_NAME = "idgen-high-water-mark.properties";

    /** What the file holds. {@code lastWorkerId} is -1 when the node never held one. */
    public record Content(long highWaterMarkMillis, int lastWorkerId) {
    }

    private final Path file;
    private final Path temporary;

    public HighWaterMarkFile(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + directory, e);
        }
        this.file = directory.resolve(FILE_NAME);
        this.temporary = directory.resolve(FILE_NAME + ".tmp");
    }

    public Path path() {
        return file;
    }

    /**
     * The stored mark, or empty on a node's first start. A file that exists but cannot be read
     * is an error, not a first start: treating it as empty would forget which IDs were issued.
     */
    public Optional<Content> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
            long mark = Long.parseLong(required(properties, "highWaterMarkMillis"));
            int worker = Integer.parseInt(properties.getProperty("lastWorkerId", "-1").strip());
            if (mark < 0) {
                throw new IllegalStateException("negative highWaterMarkMillis");
            }
            return Optional.of(new Content(mark, worker));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the high-water mark file " + file + " is unreadable (" + e.getMessage()
                    + "); refusing to start rather than risk reissuing IDs. Fix or remove it only if you know no ID"
                    + " issued by this node is newer than the clock", e);
        }
    }

    private static String required(Properties properties, String name) {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("missing " + name);
        }
        return value.strip();
    }

    /** Durably replaces the mark. */
    public void store(Content content) {
        String text = "# id-generator: no ID issued by this node has a time above this mark\n"
                + "highWaterMarkMillis=" + content.highWaterMarkMillis() + "\n"
                + "highWaterMark=" + Instant.ofEpochMilli(content.highWaterMarkMillis()) + "\n"
                + "lastWorkerId=" + content.lastWorkerId() + "\n";
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the high-water mark to " + file, e);
        }
    }

    /** Makes the rename itself durable (a no-op where directories cannot be opened). */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not supported on every file system; the data itself was forced.
        }
    }
}
