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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    @Override
    public void append(OperationResult result) {
        byte[] line = (json.writeValueAsString(result) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
