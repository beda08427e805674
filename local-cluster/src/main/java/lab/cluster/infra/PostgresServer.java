package lab.cluster.infra;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PostgreSQL 18 server from the zonky binaries jar: {@code initdb} on the first start into
 * {@code <dataDir>/pgdata}, then {@code postgres} on 127.0.0.1 with fsync on (zonky's
 * EmbeddedPostgres turns it off; the lab shows durability, so it must be on). User and password
 * are both {@code postgres}; unix sockets are off, clients use TCP.
 *
 * <p>PostgreSQL refuses to run as root. When we are root, initdb and postgres run under
 * {@code unshare --user --map-user=65534}: in a new user namespace they see themselves as
 * uid 65534 and the root-owned data dir as their own, while outside they still act as root, so
 * no chown of the data dir or the binary cache is needed.
 */
public final class PostgresServer extends LocalServer {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final String UNPRIVILEGED_UID = "65534";

    private final int port;
    private Path binaries;

    public PostgresServer(Path dataDir, int port, Lifetime lifetime) {
        super("postgres", dataDir, lifetime);
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates the database unless it exists. Names are plain lower-case identifiers. */
    public void createDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database name '" + database + "' is not a plain lower-case identifier");
        }
        try (Connection connection = connect("postgres");
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently, fine
                throw new IllegalStateException("cannot create database " + database + " on " + this, e);
            }
        }
    }

    /** A new connection as the {@code postgres} superuser. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    private Path pgData() {
        return dataDir().resolve("pgdata");
    }

    @Override
    protected void prepare() throws IOException {
        binaries = PostgresBinaries.install();
        if (Files.exists(pgData().resolve("PG_VERSION"))) {
            return;
        }
        Path passwordFile = dataDir().resolve("initdb.pw");
        Files.writeString(passwordFile, PASSWORD + "\n");
        try {
            List<String> initdb = List.of(binaries.resolve("bin/initdb").toString(),
                    "-D", pgData().toString(), "-U", USER, "--pwfile=" + passwordFile,
                    "-A", "scram-sha-256", "-E", "UTF8", "--no-locale");
            String output = CommandRun.run(concat(credentialsPrefix(), initdb), dataDir(), INITDB_TIMEOUT);
            appendToLog(output);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        // initdb creates pgdata 0700; keep it so, postgres checks.
        Files.setPosixFilePermissions(pgData(), PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    protected List<String> command() {
        return List.of(binaries.resolve("bin/postgres").toString(),
                "-D", pgData().toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "fsync=on",
                "-c", "synchronous_commit=on",
                "-c", "full_page_writes=on",
                "-c", "max_connections=200",
                "-c", "shared_buffers=64MB");
    }

    @Override
    protected List<String> credentialsPrefix() {
        return new UnixSystem().getUid() == 0
                ? List.of("unshare", "--user", "--map-user=" + UNPRIVILEGED_UID, "--")
                : List.of();
    }

    /** Ready when a query answers: postgres listens before recovery is done and refuses logins until then. */
    @Override
    protected ReadinessProbe readinessProbe() {
        return ReadinessProbe.tcp(port).and(() -> {
            try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
                return statement.execute("SELECT 1");
            } catch (SQLException e) {
                return false;
            }
        });
    }

    /** SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect. */
    @Override
    protected void stopSignal(ProcessHandle process) {
        try {
            CommandRun.run(List.of("kill", "-INT", Long.toString(process.pid())), dataDir(), Duration.ofSeconds(10));
        } catch (IOException e) {
            process.destroy();
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
