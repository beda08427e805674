package lab.payments;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;
import java.util.Properties;

/**
 * The deadlines of every database call, so a PostgreSQL that is away or hangs costs a request a
 * bounded wait and a 503, never a thread stuck for good:
 * <ul>
 *   <li>{@code pool}: how long a request waits for a pooled connection (Hikari's connectionTimeout);</li>
 *   <li>{@code connect}: opening a new connection, TCP and login (pgjdbc connectTimeout, loginTimeout);</li>
 *   <li>{@code statement}: the server cancels a statement running longer (statement_timeout), which
 *       also bounds a wait for a row lock;</li>
 *   <li>{@code socket}: the client gives up on a connection that sends nothing back this long
 *       (pgjdbc socketTimeout), the only deadline that holds when the server is frozen or the network
 *       drops packets. Longer than {@code statement}, so a merely slow statement is cancelled cleanly
 *       by the server first.</li>
 * </ul>
 */
public record DatabaseTimeouts(Duration pool, Duration connect, Duration statement, Duration socket) {

    public DatabaseTimeouts {
        for (Duration d : new Duration[] {pool, connect, statement, socket}) {
            if (d == null || d.toMillis() < 250) {
                throw new IllegalArgumentException("database timeouts must be at least 250 ms, got " + d);
            }
        }
        if (socket.compareTo(statement) <= 0) {
            throw new IllegalArgumentException("the socket timeout (" + socket + ") must exceed the statement timeout (" + statement + ")");
        }
    }

    void applyTo(HikariConfig config) {
        config.setConnectionTimeout(pool.toMillis());
        config.setValidationTimeout(Math.min(pool.toMillis(), 1000));
        driverProperties().forEach((name, value) -> config.addDataSourceProperty((String) name, value));
    }

    /** pgjdbc's own properties: its timeouts are whole seconds (rounded up here). */
    Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Long.toString(seconds(connect)));
        p.setProperty("loginTimeout", Long.toString(seconds(connect)));
        p.setProperty("socketTimeout", Long.toString(seconds(socket)));
        p.setProperty("options", "-c statement_timeout=" + statement.toMillis());
        return p;
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
