package lab.payments.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger in PostgreSQL. {@link #post} must run inside the caller's database transaction, so
 * the postings commit or vanish together with the state change and the outbox event they belong
 * to.
 */
public final class LedgerStore {

    /** An entry as {@code GET /accounts/{id}/entries} lists it. */
    public record Entry(long seq, String transactionId, String kind, String paymentId, String currency, long amountMinor, String createdAt) {
    }

    private record AccountShape(String currency, int balanceShards) {
    }

    private final Map<String, AccountShape> shapes = new java.util.concurrent.ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public LedgerStore(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /**
     * Writes the transaction, its entries and the balances. Balance rows are updated in a fixed
     * order (account, shard) so two transactions over the same accounts cannot deadlock.
     */
    public void post(JournalTransaction transaction) {
        Map<String, Long> deltaByAccount = new TreeMap<>();
        Map<String, String> currencyByAccount = new TreeMap<>();
        for (Posting posting : transaction.postings()) {
            deltaByAccount.merge(posting.accountId(), posting.amountMinor(), Math::addExact);
            String earlier = currencyByAccount.put(posting.accountId(), posting.currency());
            if (earlier != null && !earlier.equals(posting.currency())) {
                throw new IllegalStateException("transaction " + transaction.id() + " posts two currencies to " + posting.accountId());
            }
        }
        List<Object[]> shardOf = new ArrayList<>();
        for (String accountId : deltaByAccount.keySet()) {
            AccountShape shape = shape(accountId)
                    .filter(s -> s.currency().equals(currencyByAccount.get(accountId)))
                    .orElseThrow(() -> new IllegalStateException("transaction " + transaction.id() + " posts to " + accountId
                            + ", which is not a " + currencyByAccount.get(accountId) + " account"));
            shardOf.add(new Object[] {accountId, ThreadLocalRandom.current().nextInt(shape.balanceShards())});
        }
        jdbc.sql("INSERT INTO ledger_transactions (id, kind, payment_id) VALUES (?, ?, ?)")
                .params(transaction.id(), transaction.kind(), transaction.paymentId()).update();
        batch.batchUpdate("INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor) VALUES (?, ?, ?, ?)",
                transaction.postings().stream()
                        .map(p -> new Object[] {transaction.id(), p.accountId(), p.currency(), p.amountMinor()}).toList());
        for (Object[] target : shardOf) {
            long delta = deltaByAccount.get((String) target[0]);
            if (delta != 0 && jdbc.sql("UPDATE account_balances SET balance_minor = balance_minor + ? WHERE account_id = ? AND shard = ?")
                    .params(delta, target[0], target[1]).update() != 1) {
                throw new IllegalStateException("balance shard " + target[1] + " of " + target[0] + " is missing");
            }
        }
    }

    /** Currency and shard count never change once an account exists, so they are cached. */
    private Optional<AccountShape> shape(String accountId) {
        AccountShape cached = shapes.get(accountId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<AccountShape> loaded = jdbc.sql("SELECT currency, balance_shards FROM accounts WHERE id = ?").param(accountId)
                .query((rs, n) -> new AccountShape(rs.getString(1), rs.getInt(2))).optional();
        loaded.ifPresent(s -> shapes.put(accountId, s));
        return loaded;
    }

    public boolean create(String id, String type, String currency, int balanceShards) {
        int inserted = jdbc.sql("INSERT INTO accounts (id, type, currency, balance_shards) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(id, type, currency, balanceShards).update();
        if (inserted == 1) {
            jdbc.sql("INSERT INTO account_balances (account_id, shard) SELECT ?, s FROM generate_series(0, ? - 1) AS s")
                    .params(id, balanceShards).update();
        }
        return inserted == 1;
    }

    public Optional<Account> find(String id) {
        return jdbc.sql("""
                SELECT a.id, a.type, a.currency, (SELECT coalesce(sum(b.balance_minor), 0) FROM account_balances b WHERE b.account_id = a.id) AS balance
                FROM accounts a WHERE a.id = ?""")
                .param(id)
                .query((rs, n) -> new Account(rs.getString("id"), rs.getString("type"), rs.getString("currency"), rs.getLong("balance")))
                .optional();
    }

    /** Entries of an account, newest first, older than {@code beforeSeq}. */
    public List<Entry> entries(String accountId, long beforeSeq, int limit) {
        return jdbc.sql("""
                SELECT e.seq, e.transaction_id, t.kind, t.payment_id, e.currency, e.amount_minor, e.created_at::text AS created
                FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                WHERE e.account_id = ? AND e.seq < ? ORDER BY e.seq DESC LIMIT ?""")
                .params(accountId, beforeSeq, limit)
                .query((rs, n) -> new Entry(rs.getLong("seq"), rs.getString("transaction_id"), rs.getString("kind"),
                        rs.getString("payment_id"), rs.getString("currency"), rs.getLong("amount_minor"), rs.getString("created")))
                .list();
    }
}
