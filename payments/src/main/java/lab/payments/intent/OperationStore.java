package lab.payments.intent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import lab.platform.internode.TracePropagation;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Processor operations and their leases. Lease times are the database's clock, so nodes with
 * skewed clocks still agree on when a lease has expired.
 */
public final class OperationStore {

    private static final String COLUMNS = "id, payment_id, kind, amount_minor, status, reason, idempotency_key, lease_token, attempts";

    private final JdbcClient jdbc;
    private final TracePropagation tracing;

    public OperationStore(JdbcClient jdbc, TracePropagation tracing) {
        this.jdbc = jdbc;
        this.tracing = tracing;
    }

    /**
     * A pending operation with a lease; false if another operation of this payment is pending.
     * It keeps the request's trace context, which recovery continues if it has to finish it.
     */
    boolean insertPending(Operation op, long leaseMillis) {
        return jdbc.sql("""
                INSERT INTO payment_operations (id, payment_id, kind, amount_minor, status, idempotency_key, lease_expires_at, traceparent)
                VALUES (?, ?, ?, ?, 'pending', ?, now() + ? * interval '1 millisecond', ?)
                ON CONFLICT (payment_id) WHERE status = 'pending' DO NOTHING""")
                .params(op.id(), op.paymentId(), op.kind(), op.amountMinor(), op.idempotencyKey(), leaseMillis, tracing.currentTraceparent())
                .update() == 1;
    }

    /** The W3C traceparent of the request that started the operation; empty when it had none. */
    Optional<String> traceparentOf(String operationId) {
        return jdbc.sql("SELECT traceparent FROM payment_operations WHERE id = ?").param(operationId)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).optional().flatMap(found -> found);
    }

    /**
     * Takes over up to {@code limit} pending operations whose lease expired: a new lease and token,
     * so the former holder, if it is only slow, can no longer finish them. Skips rows another
     * node is claiming at the same moment.
     */
    List<Operation> claimExpired(int limit, long baseLeaseMillis, long maxLeaseMillis) {
        return jdbc.sql("""
                UPDATE payment_operations o
                SET lease_token = o.lease_token + 1, attempts = o.attempts + 1,
                    lease_expires_at = now() + least(?, ? * power(2, least(o.attempts, 10))) * interval '1 millisecond'
                WHERE o.id IN (SELECT id FROM payment_operations
                               WHERE status = 'pending' AND lease_expires_at < now()
                               ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
                """ + " RETURNING " + COLUMNS)
                .params(maxLeaseMillis, baseLeaseMillis, limit)
                .query(OperationStore::map).list();
    }

    /** Locks the operation for its post-call phase; empty if someone else holds a newer lease or finished it. */
    Optional<Operation> lockIfHeld(String id, int leaseToken) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_operations WHERE id = ? AND lease_token = ? AND status = 'pending' FOR UPDATE")
                .params(id, leaseToken).query(OperationStore::map).optional();
    }

    void finish(String id, String status, String reason) {
        jdbc.sql("UPDATE payment_operations SET status = ?, reason = ?, finished_at = now() WHERE id = ?")
                .params(status, reason, id).update();
    }

    public Optional<Operation> pendingFor(String paymentId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_operations WHERE payment_id = ? AND status = 'pending'")
                .param(paymentId).query(OperationStore::map).optional();
    }

    public List<Operation> forPayment(String paymentId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_operations WHERE payment_id = ? ORDER BY created_at, id")
                .param(paymentId).query(OperationStore::map).list();
    }

    public long pendingCount() {
        return jdbc.sql("SELECT count(*) FROM payment_operations WHERE status = 'pending'").query(Long.class).single();
    }

    private static Operation map(ResultSet rs, int row) throws SQLException {
        return new Operation(rs.getString("id"), rs.getString("payment_id"), rs.getString("kind"), rs.getLong("amount_minor"),
                rs.getString("status"), rs.getString("reason"), rs.getString("idempotency_key"), rs.getInt("lease_token"),
                rs.getInt("attempts"));
    }
}
