package lab.load.kv;

import lab.load.LabSimulation;

/** {@code ./cluster load kv}: Zipfian reads and read-modify-writes; siblings and quorum failures counted, read-your-writes probed. */
public class KvSimulation extends LabSimulation {
    {
        run(new KvLoad(checks, runId));
    }
}
