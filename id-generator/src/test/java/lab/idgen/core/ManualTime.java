package lab.idgen.core;

/**
 * A clock for tests: the wall clock only moves when the test moves it (so it can stall, jump and
 * rewind), and the monotonic clock advances a microsecond per reading, so the generator's
 * spin-waits end deterministically.
 */
public final class ManualTime implements TimeSource {

    private long millis;
    private long nanos;
    private Runnable onSpin = () -> { };

    public ManualTime(long millis) {
        this.millis = millis;
    }

    @Override
    public long currentMillis() {
        return millis;
    }

    @Override
    public long nanoTime() {
        nanos += 1_000;
        onSpin.run();
        return nanos;
    }

    public void set(long millis) {
        this.millis = millis;
    }

    public void advance(long deltaMillis) {
        this.millis += deltaMillis;
    }

    public void advanceNanos(long delta) {
        this.nanos += delta;
    }

    /** Runs on every monotonic reading, e.g. to let the wall clock tick while the generator waits. */
    public void onSpin(Runnable action) {
        this.onSpin = action;
    }
}
