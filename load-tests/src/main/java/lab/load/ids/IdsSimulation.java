package lab.load.ids;

import lab.load.LabSimulation;

/** {@code ./cluster load ids}: single and batch IDs from every id-generator node, no duplicate allowed. */
public class IdsSimulation extends LabSimulation {
    {
        run(new IdsLoad(checks));
    }
}
