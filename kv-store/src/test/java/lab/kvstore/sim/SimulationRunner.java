package lab.kvstore.sim;

/**
 * Runs seeds from the command line without Maven's start-up (for long explorations on the test
 * classpath): {@code java -cp <test classpath> lab.kvstore.sim.SimulationRunner <first seed> <seeds> [print]}.
 * Prints each failing seed's report (with {@code -Dsim.summary=true} one line of violation kinds per seed)
 * and the schedules per second; stops after {@code -Dsim.maxFailures} (1) failing seeds.
 */
public final class SimulationRunner {

    private SimulationRunner() {
    }

    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        long seeds = Long.parseLong(args[1]);
        boolean print = args.length > 2;
        long started = System.nanoTime();
        int failing = 0;
        long ran = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            Simulation.Result result = Simulation.run(seed);
            ran++;
            if (print) {
                System.out.println(result.history());
            }
            if (!result.ok() && Boolean.getBoolean("sim.summary")) {
                failing++;
                System.out.println("seed " + seed + ": " + result.violations().stream()
                        .map(v -> v.substring(0, Math.max(0, v.indexOf(':')))).distinct().toList());
            } else if (!result.ok()) {
                failing++;
                System.out.printf("after %d seeds, %.1f s:%n%s%n", ran, (System.nanoTime() - started) / 1e9,
                        SimulationTest.report(result));
                if (failing >= Integer.getInteger("sim.maxFailures", 1)) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("%d seeds in %.1f s: %.2f schedules/s, %d failing%n", ran, seconds, ran / seconds, failing);
    }
}
