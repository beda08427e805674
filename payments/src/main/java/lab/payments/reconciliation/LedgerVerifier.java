package lab.payments.reconciliation;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import lab.payments.processor.ProcessorClient;
import lab.payments.processor.ProcessorRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reconciliation: checks every invariant of the ledger, the payments, the outbox and the
 * processor's books, against one consistent snapshot of the database (a REPEATABLE READ
 * transaction). Payments that were moving while the processor was read are left for the next run.
 */
public final class LedgerVerifier {

    public static final int MAX_LISTED = 100;
    static final List<String> CHECKS = List.of("history-unprotected", "unbalanced-transaction", "balance-mismatch", "currency-mismatch",
            "payment-amounts", "payment-ledger-mismatch", "illegal-transition", "event-history", "missing-event", "stuck-operation",
            "duplicate-charge", "ledger-without-charge", "processor-mismatch", "charge-without-payment");

    /**
     * A verification reads every table in one snapshot: at scale that takes longer than the
     * statement and socket timeouts that bound a payment request, so this transaction has its own.
     */
    private static final Duration VERIFY_DEADLINE = Duration.ofMinutes(2);

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate snapshot;
    private final ProcessorClient processor;
    private final long stuckAfterMillis;

    public LedgerVerifier(JdbcClient jdbc, DataSource dataSource, TransactionTemplate tx, ProcessorClient processor, long stuckAfterMillis) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.snapshot = new TransactionTemplate(tx.getTransactionManager());
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.processor = processor;
        this.stuckAfterMillis = stuckAfterMillis;
    }

    public VerificationReport verify() {
        long start = System.nanoTime();
        // Read the processor first, then take the snapshot: every charge it lists belongs to a payment
        // committed before the call, so the snapshot knows it. Payments updated since are skipped.
        Instant processorReadAt = jdbc.sql("SELECT now()").query(java.sql.Timestamp.class).single().toInstant();
        List<ProcessorRecord> records = null;
        String processorError = null;
        try {
            records = processor.listAll();
        } catch (RuntimeException e) {
            processorError = e.toString();
        }
        List<ProcessorRecord> processorRecords = records;
        List<Anomaly> anomalies = new ArrayList<>();
        Map<String, Long> totals = snapshot.execute(s -> {
            allowVerificationTime();
            ledgerChecks(anomalies);
            paymentChecks(anomalies, processorRecords, processorReadAt);
            Map<String, Long> t = new LinkedHashMap<>();
            for (String table : List.of("accounts", "payments", "ledger_transactions", "ledger_entries", "outbox_events")) {
                t.put(table, jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
            }
            return t;
        });
        Map<String, Long> byCheck = new LinkedHashMap<>();
        CHECKS.forEach(c -> byCheck.put(c, 0L));
        anomalies.forEach(a -> byCheck.merge(a.check(), 1L, Long::sum));
        return new VerificationReport(Instant.now().toString(), anomalies.isEmpty(), anomalies.size(), byCheck,
                List.copyOf(anomalies.subList(0, Math.min(MAX_LISTED, anomalies.size()))), records != null, processorError, totals,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Raises the statement timeout for this transaction only; the pool resets the connection's network timeout when it returns. */
    private void allowVerificationTime() {
        jdbc.sql("SELECT set_config('statement_timeout', ?, true)").param(Long.toString(VERIFY_DEADLINE.toMillis())).query(String.class).single();
        try {
            DataSourceUtils.getConnection(dataSource).setNetworkTimeout(Runnable::run, (int) VERIFY_DEADLINE.plusSeconds(10).toMillis());
        } catch (SQLException e) {
            throw new IllegalStateException("could not lengthen the verification's network timeout", e);
        }
    }

    private void ledgerChecks(List<Anomaly> out) {
        long triggers = jdbc.sql("SELECT count(*) FROM pg_trigger WHERE tgname IN ('ledger_entries_immutable', 'ledger_transactions_immutable') AND tgenabled <> 'D'")
                .query(Long.class).single();
        if (triggers != 2) {
            out.add(new Anomaly("history-unprotected", "ledger", "the immutability triggers are missing or disabled"));
        }
        out.addAll(jdbc.sql("""
                SELECT t.id, string_agg(coalesce(s.currency || ' ' || s.total, 'no entries'), ', ') AS sums
                FROM ledger_transactions t
                LEFT JOIN (SELECT transaction_id, currency, sum(amount_minor) AS total, count(*) AS n FROM ledger_entries GROUP BY 1, 2) s
                       ON s.transaction_id = t.id
                GROUP BY t.id HAVING bool_or(s.total IS NULL OR s.total <> 0) OR sum(s.n) < 2""")
                .query((rs, n) -> new Anomaly("unbalanced-transaction", rs.getString(1), "sums per currency: " + rs.getString(2))).list());
        out.addAll(jdbc.sql("""
                SELECT a.id, b.balance, coalesce(e.total, 0)
                FROM accounts a
                JOIN (SELECT account_id, sum(balance_minor) AS balance FROM account_balances GROUP BY 1) b ON b.account_id = a.id
                LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM ledger_entries GROUP BY 1) e ON e.account_id = a.id
                WHERE b.balance <> coalesce(e.total, 0)""")
                .query((rs, n) -> new Anomaly("balance-mismatch", rs.getString(1), "balance " + rs.getLong(2) + " but entries sum to " + rs.getLong(3)))
                .list());
        out.addAll(jdbc.sql("SELECT e.seq, e.account_id, e.currency, a.currency FROM ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE e.currency <> a.currency")
                .query((rs, n) -> new Anomaly("currency-mismatch", rs.getString(2), "entry " + rs.getLong(1) + " in " + rs.getString(3)
                        + " on a " + rs.getString(4) + " account")).list());
        out.addAll(jdbc.sql("SELECT t.id FROM ledger_transactions t LEFT JOIN outbox_events o ON o.transaction_id = t.id WHERE o.seq IS NULL")
                .query((rs, n) -> new Anomaly("missing-event", rs.getString(1), "committed transaction without its outbox event")).list());
        out.addAll(jdbc.sql("SELECT id, payment_id, kind, attempts FROM payment_operations WHERE status = 'pending' AND created_at < now() - ? * interval '1 millisecond'")
                .param(stuckAfterMillis)
                .query((rs, n) -> new Anomaly("stuck-operation", rs.getString(2), rs.getString(3) + " " + rs.getString(1) + " pending after "
                        + rs.getInt(4) + " attempts")).list());
    }

    private void paymentChecks(List<Anomaly> out, List<ProcessorRecord> processorRecords, Instant processorReadAt) {
        List<PaymentHistory.Row> rows = jdbc.sql("""
                SELECT p.id, p.state, p.amount_minor, p.captured_minor, p.refunded_minor, p.fee_minor, p.version,
                       coalesce(sum(e.amount_minor) FILTER (WHERE e.account_id = p.customer_id), 0),
                       coalesce(sum(e.amount_minor) FILTER (WHERE e.account_id = 'clearing_' || p.currency), 0),
                       coalesce(sum(e.amount_minor) FILTER (WHERE e.account_id = p.merchant_id), 0),
                       coalesce(sum(e.amount_minor) FILTER (WHERE e.account_id = 'fees_' || p.currency), 0),
                       coalesce(sum(e.amount_minor) FILTER (WHERE e.account_id NOT IN (p.customer_id, p.merchant_id,
                                'clearing_' || p.currency, 'fees_' || p.currency)), 0)
                FROM payments p
                LEFT JOIN ledger_transactions t ON t.payment_id = p.id
                LEFT JOIN ledger_entries e ON e.transaction_id = t.id
                GROUP BY p.id""")
                .query((rs, n) -> new PaymentHistory.Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getInt(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)))
                .list();
        Map<String, List<String[]>> events = new HashMap<>();
        jdbc.sql("SELECT payment_id, from_state, to_state FROM outbox_events WHERE payment_id IS NOT NULL ORDER BY payment_id, seq")
                .query(rs -> {
                    events.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new String[] {rs.getString(2), rs.getString(3)});
                });
        Set<String> settledBeforeRead = new HashSet<>(jdbc.sql("""
                SELECT p.id FROM payments p WHERE p.updated_at < ?
                AND NOT EXISTS (SELECT 1 FROM payment_operations o WHERE o.payment_id = p.id AND o.status = 'pending')""")
                .param(java.sql.Timestamp.from(processorReadAt)).query(String.class).list());
        Map<String, PaymentHistory.ProcessorTotals> atProcessor = processorRecords == null ? Map.of()
                : processorRecords.stream().collect(Collectors.groupingBy(ProcessorRecord::paymentRef,
                        Collectors.collectingAndThen(Collectors.toList(), PaymentHistory.ProcessorTotals::of)));
        Set<String> known = new HashSet<>();
        for (PaymentHistory.Row row : rows) {
            known.add(row.id());
            out.addAll(PaymentHistory.amounts(row));
            out.addAll(PaymentHistory.ledger(row));
            out.addAll(PaymentHistory.events(row.id(), row.state(), row.version(), events.getOrDefault(row.id(), List.of())));
            if (processorRecords != null && settledBeforeRead.contains(row.id())) {
                out.addAll(PaymentHistory.processor(row, atProcessor.getOrDefault(row.id(),
                        new PaymentHistory.ProcessorTotals(0, 0, 0, 0, false))));
            }
        }
        if (processorRecords != null) {
            out.addAll(PaymentHistory.chargesWithoutPayment(atProcessor, known));
        }
    }
}
