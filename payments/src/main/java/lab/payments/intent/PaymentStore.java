package lab.payments.intent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Payments in PostgreSQL. Writes run inside the caller's transaction. */
public final class PaymentStore {

    private static final String COLUMNS = "id, state, amount_minor, currency, customer_id, merchant_id, capture_mode, description, "
            + "captured_minor, refunded_minor, fee_minor, failure_reason, version, created_at::text AS created, updated_at::text AS updated";

    private final JdbcClient jdbc;

    public PaymentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Payment p, String idempotencyKey) {
        jdbc.sql("""
                INSERT INTO payments (id, state, amount_minor, currency, customer_id, merchant_id, capture_mode, description, idempotency_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(p.id(), p.state().wire(), p.amountMinor(), p.currency(), p.customerId(), p.merchantId(),
                        p.automaticCapture() ? "automatic" : "manual", p.description(), idempotencyKey)
                .update();
    }

    public Optional<Payment> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE id = ?").param(id).query(PaymentStore::map).optional();
    }

    /** Reads and row-locks the payment: the post-call phase and every command serialize on it. */
    Optional<Payment> lock(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE id = ? FOR UPDATE").param(id).query(PaymentStore::map).optional();
    }

    void update(Payment p) {
        int updated = jdbc.sql("""
                UPDATE payments SET state = ?, captured_minor = ?, refunded_minor = ?, fee_minor = ?, failure_reason = ?,
                       version = ?, updated_at = now()
                WHERE id = ? AND version = ?""")
                .params(p.state().wire(), p.capturedMinor(), p.refundedMinor(), p.feeMinor(), p.failureReason(), p.version(),
                        p.id(), p.version() - 1)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("payment " + p.id() + " changed under a row lock (version " + (p.version() - 1) + ")");
        }
    }

    private static Payment map(ResultSet rs, int row) throws SQLException {
        return new Payment(rs.getString("id"), PaymentState.fromWire(rs.getString("state")), rs.getLong("amount_minor"),
                rs.getString("currency").trim(), rs.getString("customer_id"), rs.getString("merchant_id"),
                "automatic".equals(rs.getString("capture_mode")), rs.getString("description"), rs.getLong("captured_minor"),
                rs.getLong("refunded_minor"), rs.getLong("fee_minor"), rs.getString("failure_reason"), rs.getInt("version"),
                rs.getString("created"), rs.getString("updated"));
    }
}
