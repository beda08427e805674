package lab.payments;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the service's database if the server does not have it yet (a fresh local cluster or
 * compose volume). Safe when two nodes start together: the loser of the race sees
 * duplicate_database and carries on. Waits for the server for a bounded time, so a node started
 * a moment before PostgreSQL does not die.
 */
final class DatabaseCreator {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCreator.class);
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([A-Za-z0-9_]+)(\\?.*)?");

    private DatabaseCreator() {
    }

    static void ensureExists(String jdbcUrl, String user, String password, DatabaseTimeouts timeouts, Duration waitForServer) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, got " + jdbcUrl);
        }
        String database = m.group(2);
        String maintenanceUrl = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        long deadline = System.nanoTime() + waitForServer.toNanos();
        while (true) {
            Properties login = timeouts.driverProperties();
            login.setProperty("user", user);
            login.setProperty("password", password);
            try (Connection c = DriverManager.getConnection(maintenanceUrl, login)) {
                create(c, database);
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot reach PostgreSQL at " + maintenanceUrl + " to create database " + database, e);
                }
                log.warn("PostgreSQL not reachable yet at {} ({}); retrying", maintenanceUrl, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for PostgreSQL", interrupted);
                }
            }
        }
    }

    private static void create(Connection c, String database) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (var create = c.createStatement()) {
            // The name was matched against [A-Za-z0-9_]+ above, so quoting it is safe.
            create.execute("CREATE DATABASE \"" + database + "\"");
            log.info("created database {}", database);
        } catch (SQLException e) {
            // 42P04 duplicate_database, 23505 unique_violation: another node created it a moment ago.
            if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}
