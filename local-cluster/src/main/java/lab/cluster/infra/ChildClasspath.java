package lab.cluster.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The classpath of the child JVMs (Kafka, ZooKeeper, Log4j 2): the resource
 * {@code lab/cluster/infra/runtime.classpath}, written at build time by
 * {@code dependency:build-classpath} from this module's runtime dependencies, so it names exactly
 * the jar versions the build resolved.
 */
final class ChildClasspath {

    private static final String RESOURCE = "lab/cluster/infra/runtime.classpath";

    private ChildClasspath() {
    }

    static String get() {
        return Holder.CLASSPATH;
    }

    private static final class Holder {
        static final String CLASSPATH = load();
    }

    private static String load() {
        try (InputStream in = ChildClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build local-cluster with Maven "
                        + "(it is generated in generate-resources)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            List<String> missing = Arrays.stream(classpath.split(File.pathSeparator))
                    .filter(entry -> !Files.exists(Path.of(entry))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("jars of " + RESOURCE + " are missing (local Maven repository "
                        + "cleaned?); rebuild local-cluster: " + missing);
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
