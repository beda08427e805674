package lab.kvstore.membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The gossip generation of this node's starts, in one small file next to its data, replaced
 * atomically (written aside, fsynced, renamed): each start takes {@link Heartbeat#nextGeneration},
 * so generations grow whatever the wall clock did between two starts (Cassandra keeps its
 * generation in its system keyspace for the same reason).
 */
public final class GenerationFile {

    private final Path file;

    public GenerationFile(Path file) {
        this.file = file;
    }

    /** The generation for a start now, stored before it is returned. */
    public synchronized long next(long nowMillis) {
        long next = Heartbeat.nextGeneration(previous(), nowMillis);
        Path aside = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(Long.toString(next).getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the gossip generation " + file, e);
        }
        return next;
    }

    private long previous() {
        if (!Files.exists(file)) {
            return Long.MIN_VALUE + 1;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gossip generation " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the gossip generation file " + file + " holds no number", e);
        }
    }
}
