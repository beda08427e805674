package lab.load.payments;

import lab.load.LabSimulation;

/** {@code ./cluster load payments}: idempotent payments with retries and duplicates, ending with {@code GET /ledger/verify}. */
public class PaymentsSimulation extends LabSimulation {
    {
        run(new PaymentsLoad(checks));
    }
}
