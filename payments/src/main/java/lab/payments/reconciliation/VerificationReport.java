package lab.payments.reconciliation;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ledger/verify} answers.
 *
 * @param anomaliesByCheck every check that ran, with its anomaly count (0 = invariant holds)
 * @param anomalies        the first anomalies found, at most {@link LedgerVerifier#MAX_LISTED}
 * @param processorChecked false when the processor could not be read (its checks are then skipped, not passed)
 */
public record VerificationReport(String checkedAt, boolean ok, long anomalyCount, Map<String, Long> anomaliesByCheck,
                                 List<Anomaly> anomalies, boolean processorChecked, String processorError, Map<String, Long> totals,
                                 long tookMillis) {
}
