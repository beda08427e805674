package lab.payments.outbox;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The outbox table. {@link #append} runs inside the transaction of the change it records. */
public class OutboxStore {

    /** Unsent rows and the age of the oldest, in seconds (0 when none). */
    public record Backlog(long events, double oldestAgeSeconds) {
    }

    private final JdbcClient jdbc;

    public OutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void append(OutboxEvent event) {
        jdbc.sql("""
                INSERT INTO outbox_events (event_id, payment_id, transaction_id, type, from_state, to_state, payload, traceparent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(event.eventId(), event.paymentId(), event.transactionId(), event.type(), event.fromState(), event.toState(),
                        event.payload(), event.traceparent())
                .update();
    }

    public List<PendingEvent> unsent(int limit) {
        return jdbc.sql("""
                SELECT seq, event_id, payment_id, type, payload, traceparent FROM outbox_events
                WHERE sent_at IS NULL ORDER BY seq LIMIT ?""")
                .param(limit)
                .query((rs, n) -> new PendingEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    public void markSent(List<PendingEvent> events) {
        Long[] seqs = events.stream().map(PendingEvent::seq).toArray(Long[]::new);
        jdbc.sql("UPDATE outbox_events SET sent_at = now() WHERE seq = ANY(?)").param(seqs).update();
    }

    public Backlog backlog() {
        return jdbc.sql("""
                SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)
                FROM outbox_events WHERE sent_at IS NULL""")
                .query((rs, n) -> new Backlog(rs.getLong(1), rs.getDouble(2))).single();
    }
}
