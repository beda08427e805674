package lab.payments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Sends each new payment {@code duplicates} times at once with the same Idempotency-Key (a few
 * keys per wave), and checks the answers: exactly one original 201 per key, every other answer
 * that 201's exact bytes replayed, or a 409.
 */
public final class DuplicateStorm {

    private DuplicateStorm() {
    }

    /** Returns every reply per key, keys in the order they were sent. */
    public static Map<String, List<Http.Reply>> fire(String keyPrefix, int keys, int duplicates, int keysAtOnce,
                                                     IntFunction<URI> nodeForDuplicate, IntFunction<String> bodyForKey) throws Exception {
        Map<String, List<Http.Reply>> replies = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int wave = 0; wave < keys / keysAtOnce; wave++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> inFlight = new ArrayList<>();
                for (int k = 0; k < keysAtOnce; k++) {
                    int n = wave * keysAtOnce + k;
                    String key = keyPrefix + java.util.UUID.randomUUID();
                    List<Http.Reply> forKey = new CopyOnWriteArrayList<>();
                    replies.put(key, forKey);
                    for (int d = 0; d < duplicates; d++) {
                        URI target = nodeForDuplicate.apply(d);
                        inFlight.add(pool.submit(() -> {
                            go.await();
                            forKey.add(Http.post(target, "/payments", key, bodyForKey.apply(n)));
                            return null;
                        }));
                    }
                }
                go.countDown();
                for (Future<?> f : inFlight) {
                    f.get();
                }
            }
        }
        return replies;
    }

    private static boolean refusedForIds(Http.Reply reply) {
        return reply.status() == 503 && reply.body().contains("/problems/ids-unavailable");
    }

    /**
     * At most one request per key executed: it answered 201, or 503 when the processor's answer
     * was late (the outcome is then settled by recovery, and a retry with the key on
     * {@code retryNode} gets it as a replay). Every other answer is a replay of the same bytes or a
     * 409. The callers count payments and ledger transactions per key in the database.
     */
    public static void assertChargedOncePerKey(Map<String, List<Http.Reply>> replies, URI retryNode, IntFunction<String> bodyForKey) {
        int n = 0;
        for (Map.Entry<String, List<Http.Reply>> entry : replies.entrySet()) {
            String key = entry.getKey();
            List<Http.Reply> forKey = new ArrayList<>(entry.getValue());
            assertThat(forKey).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(201, 409, 503));
            // A 503 ids-unavailable wrote nothing (the key's claim rolled back with it): not an execution.
            boolean refusedForIds = forKey.stream().anyMatch(DuplicateStorm::refusedForIds);
            long executed = forKey.stream().filter(r -> r.status() == 201 && !r.replayed() || r.status() == 503 && !refusedForIds(r)).count();
            // Zero when the executing request outlived its lease and answered 409: recovery finished it.
            assertThat(executed).as("at most one request executed for " + key).isLessThanOrEqualTo(1);
            if (forKey.stream().noneMatch(r -> r.status() == 201)) {
                String body = bodyForKey.apply(n);
                Http.Reply[] settled = new Http.Reply[1];
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(250))
                        .until(() -> (settled[0] = Http.post(retryNode, "/payments", key, body)).status() == 201);
                // A replay of what recovery finished, or, if nothing executed because IDs were refused, the first execution.
                assertThat(settled[0].replayed() || executed == 0 && refusedForIds).as("retry of " + key).isTrue();
                forKey.add(settled[0]);
            }
            List<Http.Reply> created = forKey.stream().filter(r -> r.status() == 201).toList();
            assertThat(created).extracting(Http.Reply::body).as("identical replays for " + key).containsOnly(created.getFirst().body());
            n++;
        }
    }
}
