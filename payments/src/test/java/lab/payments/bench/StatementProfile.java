package lab.payments.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What PostgreSQL spent on each statement during one run, from pg_stat_statements (loaded when
 * the benchmark runs with {@code -DpgStatements=true}): calls and execution time per payment, so
 * the cost of a payment in the database can be read statement by statement.
 */
final class StatementProfile {

    private final String jdbcUrl;

    private StatementProfile(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    static StatementProfile start(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("SELECT pg_stat_statements_reset()");
        }
        return new StatementProfile(jdbcUrl);
    }

    String report(long payments) throws SQLException {
        StringBuilder out = new StringBuilder(String.format("%n== PostgreSQL statements per payment (spread run, %d payments) ==%n", payments));
        out.append(String.format("%8s %10s %10s  %s%n", "calls", "exec µs", "µs/call", "statement"));
        double total = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT calls, total_exec_time, query FROM pg_stat_statements
                     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                     ORDER BY total_exec_time DESC LIMIT 25""")) {
            while (rs.next()) {
                double perPaymentMicros = rs.getDouble(2) * 1000 / Math.max(1, payments);
                total += perPaymentMicros;
                out.append(String.format("%8.2f %10.1f %10.1f  %s%n", rs.getLong(1) / (double) Math.max(1, payments), perPaymentMicros,
                        rs.getDouble(2) * 1000 / Math.max(1, rs.getLong(1)), rs.getString(3).replaceAll("\\s+", " ")
                                .substring(0, Math.min(110, rs.getString(3).replaceAll("\\s+", " ").length()))));
            }
        }
        return out.append(String.format("execution time in these statements: %.0f µs per payment%n", total)).toString();
    }
}
