package lab.kvstore.sim;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The simulated world's only source of time and randomness: one queue of events ordered by
 * simulated time (ties broken by the order they were scheduled), run on the calling thread.
 *
 * <p>Two kinds of events. <em>Messages</em> (a request arriving, an answer, a call's timeout)
 * never block and may run inside a wait: when the code under test waits for answers until a
 * deadline, {@link #runUntil} runs messages until the awaited condition holds or time passes the
 * deadline (a forwarded write is such a message: it waits for its own quorum re-entrantly). <em>Tasks</em> (a client request, a background round) may wait
 * themselves, so they only start from the top level ({@link #runTo}); a task due while another
 * waits starts when that one finished, as on a node whose request threads are all busy.
 */
final class SimLoop {

    private record Event(long atNanos, long sequence, Runnable action) {
    }

    private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::atNanos).thenComparingLong(Event::sequence);
    /** A wait that runs this many messages without reaching its deadline is a livelock of the simulator itself. */
    private static final long MAX_EVENTS_PER_WAIT = 5_000_000;

    private final PriorityQueue<Event> messages = new PriorityQueue<>(ORDER);
    private final PriorityQueue<Event> tasks = new PriorityQueue<>(ORDER);
    private final SplittableRandom random;
    private long nowNanos;
    private long sequence;
    private long eventsRun;

    SimLoop(long seed) {
        this.random = new SplittableRandom(seed);
    }

    long nowNanos() {
        return nowNanos;
    }

    SplittableRandom random() {
        return random;
    }

    long eventsRun() {
        return eventsRun;
    }

    void message(long delayNanos, Runnable action) {
        messages.add(new Event(nowNanos + Math.max(0, delayNanos), sequence++, action));
    }

    void task(long delayNanos, Runnable action) {
        tasks.add(new Event(nowNanos + Math.max(0, delayNanos), sequence++, action));
    }

    /** Runs messages until {@code done} holds or simulated time reaches {@code deadlineNanos}. */
    void runUntil(BooleanSupplier done, long deadlineNanos) {
        long budget = MAX_EVENTS_PER_WAIT;
        while (!done.getAsBoolean()) {
            Event next = messages.peek();
            if (next == null || next.atNanos() > deadlineNanos) {
                nowNanos = Math.max(nowNanos, deadlineNanos);
                return;
            }
            if (--budget == 0) {
                throw new IllegalStateException("simulator livelock: a wait ran " + MAX_EVENTS_PER_WAIT + " messages");
            }
            run(messages.poll());
        }
    }

    /** Runs every message and task due up to {@code untilNanos}, then sets the time to it. */
    void runTo(long untilNanos) {
        while (true) {
            Event message = messages.peek();
            Event task = tasks.peek();
            Event next = message == null ? task
                    : task == null ? message
                    : Math.max(task.atNanos(), nowNanos) < message.atNanos() ? task : message;
            if (next == null || Math.max(next.atNanos(), nowNanos) > untilNanos) {
                nowNanos = Math.max(nowNanos, untilNanos);
                return;
            }
            run(next == message ? messages.poll() : tasks.poll());
        }
    }

    private void run(Event event) {
        nowNanos = Math.max(nowNanos, event.atNanos());
        eventsRun++;
        event.action().run();
    }
}
