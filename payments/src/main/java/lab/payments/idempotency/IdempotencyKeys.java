package lab.payments.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Idempotency keys in PostgreSQL, next to the work they protect, so any node sees the same key.
 * {@link #claim} runs inside the request's first transaction: if that transaction rolls back (bad
 * input), the key is gone too and a corrected retry may reuse it.
 */
public final class IdempotencyKeys {

    public static final int MAX_KEY_LENGTH = 255;

    private final JdbcClient jdbc;

    public IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the key or reports what is already there. A concurrent first request with the same
     * key makes this insert wait until that transaction ends, then see its row.
     */
    public KeyClaim claim(String key, String method, String path, String fingerprint) {
        int inserted = jdbc.sql("INSERT INTO idempotency_keys (key, fingerprint, method, path) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(key, fingerprint, method, path).update();
        if (inserted == 1) {
            return new KeyClaim.Claimed();
        }
        return jdbc.sql("SELECT fingerprint, method, path, response_code, response_type, response_body FROM idempotency_keys WHERE key = ?")
                .param(key)
                .query((rs, n) -> {
                    if (!rs.getString("fingerprint").equals(fingerprint)) {
                        return (KeyClaim) new KeyClaim.Mismatch(rs.getString("method"), rs.getString("path"));
                    }
                    int code = rs.getInt("response_code");
                    return rs.wasNull() ? new KeyClaim.InFlight()
                            : new KeyClaim.Completed(new StoredResponse(code, rs.getString("response_type"), rs.getString("response_body")));
                })
                .optional()
                // Deleted by retention between the insert and the read: as good as in flight, retry.
                .orElseGet(KeyClaim.InFlight::new);
    }

    /** Stores the final answer; runs in the transaction that made the outcome final. */
    public void complete(String key, StoredResponse response) {
        int updated = jdbc.sql("""
                UPDATE idempotency_keys SET response_code = ?, response_type = ?, response_body = ?, completed_at = now()
                WHERE key = ? AND response_code IS NULL""")
                .params(response.status(), response.contentType(), response.body(), key).update();
        if (updated != 1) {
            throw new IllegalStateException("idempotency key " + key + " was already completed or is missing");
        }
    }

    /** Forgets finished keys older than the retention; a key in flight is never forgotten. */
    public int purgeCompletedOlderThanHours(int hours) {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE completed_at IS NOT NULL AND created_at < now() - ? * interval '1 hour'")
                .param(hours).update();
    }

    /** SHA-256 of what makes two requests "the same": method, path and the parsed parameters. */
    public static String fingerprint(String method, String path, Object parameters) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((method + " " + path + "\n" + parameters).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
