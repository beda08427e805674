package lab.cluster.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server that is a Java program (Kafka, ZooKeeper), run in a child {@code java} of the
 * running JDK with the build-time {@link ChildClasspath}, a capped heap and metaspace (so that
 * three brokers and ZooKeeper fit in a couple of GiB beside the services) and Log4j 2 writing
 * to stdout, which the launcher appends to the server's log file.
 */
public abstract class JvmServer extends LocalServer {

    private static final String LOG4J_CONFIG = """
            status = warn
            appender.out.type = Console
            appender.out.name = out
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = %d{ISO8601} %-5p [%t] %c{1}: %m%n
            rootLogger.level = INFO
            rootLogger.appenderRef.out.ref = out
            """;

    protected JvmServer(String name, Path dataDir, Lifetime lifetime) {
        super(name, dataDir, lifetime);
    }

    protected abstract String mainClass();

    protected abstract List<String> arguments();

    protected abstract int heapMegabytes();

    protected abstract int metaspaceMegabytes();

    /** Extra Log4j 2 properties, e.g. quieter loggers. */
    protected String extraLogConfig() {
        return "";
    }

    /** The java command of this server, for helper runs (kafka-storage format) in the same setting. */
    protected final List<String> javaCommand(String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m",
                "-Xmx" + heapMegabytes() + "m",
                "-XX:MaxMetaspaceSize=" + metaspaceMegabytes() + "m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlab.server=" + name(),
                "-Dlog4j2.configurationFile=" + log4jConfig(),
                "-cp", ChildClasspath.get(),
                mainClass));
        command.addAll(arguments);
        return command;
    }

    @Override
    protected void prepare() throws IOException {
        Files.writeString(log4jConfig(), LOG4J_CONFIG + extraLogConfig());
    }

    @Override
    protected final List<String> command() {
        return javaCommand(mainClass(), arguments());
    }

    private Path log4jConfig() {
        return dataDir().resolve("log4j2.properties");
    }
}
