package lab.cluster.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Native server binaries unpacked from jars on the classpath into a per-user cache
 * ({@code ~/.cache/lab}, or {@code $XDG_CACHE_HOME/lab}, or the system property
 * {@code lab.cache.dir}), once per version: a restart must not pay for unpacking again.
 */
final class BinaryCache {

    /** Fills a fresh directory; it becomes visible under its final name only when complete. */
    @FunctionalInterface
    interface Filler {
        void fill(Path emptyDir) throws IOException;
    }

    private BinaryCache() {
    }

    static Path root() {
        String configured = System.getProperty("lab.cache.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("lab");
    }

    /**
     * The cache directory {@code name}, filled by {@code filler} if it does not exist yet. Filled
     * in a temporary sibling and renamed, so that several JVMs unpacking at once (parallel builds)
     * never see half a directory: the first rename wins, the others throw theirs away.
     */
    static Path directory(String name, Filler filler) {
        Path target = root().resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Files.createDirectories(root());
            Path temp = Files.createTempDirectory(root(), name + ".partial-");
            try {
                filler.fill(temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException lost) {
                deleteTree(temp);
            } catch (IOException | RuntimeException e) {
                deleteTree(temp);
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + name + " into " + root(), e);
        }
    }

    /** Copies a classpath resource to {@code target}. */
    static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = BinaryCache.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
