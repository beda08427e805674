package lab.processor.charges;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON line per decision, forced to disk before the answer leaves the processor. A torn last
 * line (the process died mid-write) was never acknowledged, so replay drops it.
 */
public final class FileJournal implements SimulatedProcessor.Journal, AutoCloseable {

    private final Path file;
    private final JsonMapper json;
    private final FileChannel channel;
    private final Object forceLock = new Object();
    private volatile long written;
    private long forced;

    public FileJournal(Path directory, JsonMapper json) {
        this.json = json;
        try {
            Files.createDirectories(directory);
            this.file = directory.resolve("processor-journal.jsonl");
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<OperationResult> replay() {
        List<OperationResult> results = new ArrayList<>();
        try {
            byte[] content = Files.readAllBytes(file);
            int start = 0;
            for (int i = 0; i < content.length; i++) {
                if (content[i] == '\n') {
                    results.add(json.readValue(new String(content, start, i - start, StandardCharsets.UTF_8), OperationResult.class));
                    start = i + 1;
                }
            }
            // Cut a torn tail so the next append starts on a line of its own.
            channel.truncate(start);
            channel.position(start);
            written = start;
            forced = start;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    /** Writes the line; {@link #awaitDurable} makes it durable. Called under the processor's lock, so lines never interleave. */
    @Override
    public void append(OperationResult result) {
        byte[] line = (json.writeValueAsString(result) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            written = channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Group commit: returns once everything written so far is on disk. Called outside the
     * processor's lock, so one fsync covers every line written by the calls waiting for it.
     */
    @Override
    public void awaitDurable() {
        long target = written;
        synchronized (forceLock) {
            if (forced >= target) {
                return;
            }
            long upTo = written;
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            forced = upTo;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
