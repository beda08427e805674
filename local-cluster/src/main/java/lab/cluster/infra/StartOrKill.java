package lab.cluster.infra;

/** Starting something that must not be left half-started: on any failure it is killed. */
public final class StartOrKill {

    private StartOrKill() {
    }

    public static void run(Runnable start, Runnable awaitReady, Runnable kill) {
        start.run();
        try {
            awaitReady.run();
        } catch (RuntimeException e) {
            try {
                kill.run();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
