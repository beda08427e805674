package lab.payments.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import lab.cluster.LocalCluster;

/** The payments database of a local cluster run, read directly by the tests' invariant checks. */
record PaymentsDb(LocalCluster cluster) {

    long count(String sql) throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(cluster.infrastructure().jdbcUrl("payments"), "postgres", "postgres");
    }
}
