package lab.kvstore.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.kvstore.replication.WriteCommand;
import lab.kvstore.ring.RingView;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.VersionedValue;

/**
 * The clock-skew schedule of hinted handoff against tombstone collection, scripted in the
 * simulated world (the random search did not produce it): a replica C is down, so a write of X is
 * acknowledged with a hint for C on the fallback H; H crashes; C returns and gets X by
 * anti-entropy; X is read and deleted through A; the tombstone passes the 6 s hint age and every
 * replica collects it; H comes back 11.5 s after it took the hint with its clock stepped 8 s
 * back, so by H's clock the hint is 3.5 s old, and H replays it to C.
 */
final class HintAfterCollectionScenario {

    /** What the scenario ended with: the replicas' values of the key after convergence and a final read. */
    record Outcome(VersionedValue finalRead, List<VersionedValue> replicas, String trace) {

        boolean deletedValueCameBack() {
            return finalRead.siblings().values().stream().anyMatch(s -> !s.tombstone())
                    || replicas.stream().anyMatch(v -> v.siblings().values().stream().anyMatch(s -> !s.tombstone()));
        }
    }

    private static final String KEY = "k";

    private HintAfterCollectionScenario() {
    }

    static Outcome run() {
        SimLoop loop = new SimLoop(7);
        SimParameters parameters = new SimParameters(5, 8, 4, 3, 2, 2, 16, 100, 6000, 1000, 150, 300, 1, 1,
                10_000, 100, 0, 0, 0, 0, 0, 0);
        StringBuilder trace = new StringBuilder();
        SimWorld world = new SimWorld(loop, parameters, trace);
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        RingView view = world.nodes().getFirst().membership.view();
        int partition = view.current().partitionOf(key);
        List<String> replicas = view.current().preferenceList(partition);
        String a = replicas.get(0);
        String c = replicas.get(2);
        String h = view.fallbacks(partition).getFirst();
        world.note("replicas " + replicas + ", first fallback " + h);

        at(loop, 500, () -> world.crash(c));
        VersionedValue[] read = new VersionedValue[1];
        at(loop, 1500, () -> world.note("put X: " + world.node(a).coordinator.write(
                WriteCommand.put(KEY, "X".getBytes(StandardCharsets.UTF_8), "text/plain", CausalContext.EMPTY, 2), 1000)));
        at(loop, 1600, () -> world.crash(h));
        at(loop, 1700, () -> world.restart(c));
        at(loop, 3500, () -> {
            read[0] = world.node(a).coordinator.read(KEY, 2, 1000).merged();
            world.note("read " + Op.describe(read[0]));
        });
        at(loop, 3600, () -> world.note("delete: " + world.node(a).coordinator.write(WriteCommand.delete(KEY, read[0].context(), 2), 1000)));
        at(loop, 12_900, () -> world.note("stored after the collection rounds: " + stored(world, replicas, partition, key)));
        at(loop, 13_000, () -> world.restart(h, -TimeUnit.SECONDS.toNanos(8)));
        loop.runTo(TimeUnit.SECONDS.toNanos(25));
        VersionedValue[] last = new VersionedValue[1];
        loop.task(0, () -> last[0] = world.node(a).coordinator.read(KEY, 2, 1000).merged());
        loop.runTo(loop.nowNanos() + TimeUnit.SECONDS.toNanos(2));
        world.note("final read " + Op.describe(last[0]));
        return new Outcome(last[0], stored(world, replicas, partition, key), trace.toString());
    }

    private static List<VersionedValue> stored(SimWorld world, List<String> replicas, int partition, byte[] key) {
        return replicas.stream().map(n -> world.node(n).storage.read(partition, key)).toList();
    }

    private static void at(SimLoop loop, long millis, Runnable action) {
        loop.task(TimeUnit.MILLISECONDS.toNanos(millis) - loop.nowNanos(), action);
    }

    /** Prints the scenario's trace (for running it against another build of the store). */
    public static void main(String[] args) {
        Outcome outcome = run();
        System.out.println(outcome.trace());
        System.out.println(outcome.deletedValueCameBack() ? "the deleted value came back" : "the deleted value stayed deleted");
    }
}
