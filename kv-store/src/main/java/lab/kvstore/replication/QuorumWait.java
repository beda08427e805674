package lab.kvstore.replication;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiPredicate;
import lab.kvstore.runtime.NodeRuntime;

/**
 * Collects the answers of calls fanned out to replicas until enough succeeded, enough failed
 * that success became impossible, or the deadline passed, whichever comes first. Late answers
 * are still delivered to their futures (where part 2's read repair can use them); this only
 * stops waiting. A wait may be resumed after more calls were added (a speculative read asks one
 * more replica and waits on): what arrived before is kept.
 */
final class QuorumWait<T> {

    private record Answer<T>(String node, T value, Throwable failure) {
    }

    /** What had arrived when the wait ended; {@code timedOut} when it ended at its time limit. */
    record Outcome<T>(Map<String, T> answers, Map<String, String> failures, boolean timedOut) {
    }

    private final LinkedBlockingQueue<Answer<T>> arrivals = new LinkedBlockingQueue<>();
    private final Map<String, T> answers = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final NodeRuntime runtime;
    private int asked;

    QuorumWait(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    void add(String node, CompletableFuture<? extends T> call) {
        asked++;
        call.whenComplete((value, failure) -> arrivals.add(new Answer<>(node, value, unwrap(failure))));
    }

    void addAnswered(String node, T value) {
        add(node, CompletableFuture.completedFuture(value));
    }

    /** Takes back a node's answer: it no longer counts toward the quorum (its copy could not be repaired). */
    void fail(String node, String why) {
        answers.remove(node);
        failures.put(node, why);
    }

    /** What has been counted so far, without waiting. */
    Outcome<T> snapshot(boolean timedOut) {
        return new Outcome<>(new LinkedHashMap<>(answers), new LinkedHashMap<>(failures), timedOut);
    }

    /** Calls added so far. */
    int asked() {
        return asked;
    }

    Outcome<T> await(int needed, long untilNanos) {
        return await(untilNanos, (answers, failures) -> answers.size() >= needed,
                (answers, failures) -> asked - failures.size() >= needed);
    }

    /**
     * Waits until {@code needed} nodes of every group answered (a joint quorum: each of the
     * current and the next preference list while a node joins or leaves); gives up as soon as
     * some group has too many failures to get there.
     */
    Outcome<T> awaitEach(List<List<String>> groups, int needed, long deadlineNanos) {
        return await(deadlineNanos,
                (answers, failures) -> groups.stream().allMatch(g -> g.stream().filter(answers::containsKey).count() >= needed),
                (answers, failures) -> groups.stream().allMatch(g -> g.stream().filter(n -> !failures.containsKey(n)).count() >= needed));
    }

    private Outcome<T> await(long untilNanos, BiPredicate<Map<String, T>, Map<String, String>> met,
                             BiPredicate<Map<String, T>, Map<String, String>> stillPossible) {
        boolean timedOut = false;
        while (!met.test(answers, failures) && stillPossible.test(answers, failures)) {
            Answer<T> answer = null;
            if (untilNanos - runtime.nanoTime() > 0) {
                try {
                    answer = runtime.waiter().poll(arrivals, untilNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (answer == null) {
                timedOut = true;
                break;
            }
            if (answer.failure() == null) {
                answers.put(answer.node(), answer.value());
            } else {
                failures.put(answer.node(), String.valueOf(answer.failure().getMessage()));
            }
        }
        return new Outcome<>(new LinkedHashMap<>(answers), new LinkedHashMap<>(failures), timedOut);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
