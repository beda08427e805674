package lab.cluster.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/** The {@code <dataDir>/pid} file: the pid of a server so a later JVM can adopt or stop it. */
public record PidFile(Path path) {

    public static PidFile in(Path dataDir) {
        return new PidFile(dataDir.resolve("pid"));
    }

    /** Written to a temporary file and moved, so a reader never sees half a number. */
    public void write(long pid) {
        try {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, pid + "\n");
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + path, e);
        }
    }

    /** The recorded pid; empty when there is no file or it does not hold a number. */
    public OptionalLong read() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(path).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete pid file " + path, e);
        }
    }
}
