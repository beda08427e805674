package lab.cluster.node;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the checkout is, so the launcher finds each service's jar wherever it is started
 * from: the repository root, a module directory (Maven runs tests there) or a worktree.
 */
public record RepositoryLayout(Path root) {

    /** Walks up from the working directory to the directory holding {@code mvnw} and {@code local-cluster/}. */
    public static RepositoryLayout find() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("mvnw")) && Files.isDirectory(candidate.resolve("local-cluster"))) {
                return new RepositoryLayout(candidate);
            }
        }
        throw new IllegalStateException("Not inside the lab's checkout (no mvnw and local-cluster/ above " + dir + ")");
    }

    /** The executable jar the module's Spring Boot plugin builds. */
    public Path jarOf(String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** The jar, or a clear error that says how to build it. */
    public Path requireJar(String module) {
        Path jar = jarOf(module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with `./mvnw -pl " + module
                    + " -am package -DskipTests` (./cluster up does this for you)");
        }
        return jar;
    }
}
