package lab.payments.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay at a time across all payments nodes: a PostgreSQL session advisory lock held on a
 * connection of its own. A node that dies (or loses the database) loses the connection and so the
 * lock; another node's next round takes it.
 */
public final class RelayLeadership implements BooleanSupplier, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayLeadership.class);
    /** Arbitrary but fixed: the advisory lock key of the outbox relay. */
    private static final long LOCK_KEY = 0x7061796d656e7473L;

    private final DataSource dataSource;
    private Connection held;

    public RelayLeadership(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public synchronized boolean getAsBoolean() {
        try {
            if (held != null) {
                if (held.isValid(2)) {
                    return true;
                }
                log.warn("outbox relay leadership lost: its database connection broke");
                closeQuietly();
            }
            Connection connection = dataSource.getConnection();
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        held = connection;
                        log.info("this node is now the outbox relay leader");
                        return true;
                    }
                }
            }
            connection.close();
            return false;
        } catch (SQLException e) {
            closeQuietly();
            return false;
        }
    }

    public synchronized boolean isLeader() {
        return held != null;
    }

    private void closeQuietly() {
        if (held != null) {
            // Evict rather than return to the pool: a pooled session would keep the advisory lock.
            if (dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari) {
                hikari.evictConnection(held);
            } else {
                try {
                    held.close();
                } catch (SQLException ignored) {
                    // Closing a broken connection: nothing left to release.
                }
            }
            held = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
