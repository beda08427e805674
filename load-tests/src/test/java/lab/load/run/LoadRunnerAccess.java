package lab.load.run;

import java.io.PrintStream;

/** Lets tests of other packages run the runner as {@code ./cluster load} does. */
public final class LoadRunnerAccess {

    private LoadRunnerAccess() {
    }

    public static int run(PrintStream out, String... args) {
        return new LoadRunner(out, System.err).run(args);
    }
}
