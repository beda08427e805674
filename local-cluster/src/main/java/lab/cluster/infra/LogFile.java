package lab.cluster.infra;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** A server's log file: read its tail for error messages and search what a start appended. */
public record LogFile(Path path) {

    /** Enough for dozens of lines of stack trace without reading a log grown over many restarts. */
    private static final int TAIL_BYTES = 64 * 1024;

    public long sizeBytes() {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines, or an explanation when there is no log. */
    public String tail(int lines) {
        if (!Files.exists(path)) {
            return "(no log at " + path + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            long from = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + path + ": " + e + ")";
        }
    }

    /** Whether {@code text} was written after byte {@code fromByte}. */
    public boolean containsAfter(long fromByte, String text) throws IOException {
        if (!Files.exists(path)) {
            return false;
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            if (file.length() <= fromByte) {
                return false;
            }
            byte[] bytes = new byte[(int) (file.length() - fromByte)];
            file.seek(fromByte);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).contains(text);
        }
    }
}
