package lab.payments.processor;

import java.util.List;

/** The card processor as payments sees it. Every method has a deadline; none is called inside a database transaction. */
public interface ProcessorClient {

    /** Sends the operation (idempotent on its request ID, so retrying is safe). */
    ProcessorOutcome execute(ProcessorCall call);

    /** Asks what happened to a request: its outcome, {@link ProcessorOutcome.NeverReceived}, or unknown. */
    ProcessorOutcome lookup(String requestId);

    /** Every decision the processor made, for reconciliation; throws when the processor cannot be read. */
    List<ProcessorRecord> listAll();
}
