package lab.load.messaging;

import lab.load.LabSimulation;

/** {@code ./cluster load messaging}: publishers plus WebSocket and SSE subscribers counting gaps, duplicates and undelivered messages. */
public class MessagingSimulation extends LabSimulation {
    {
        run(new MessagingLoad(checks, runId));
    }
}
