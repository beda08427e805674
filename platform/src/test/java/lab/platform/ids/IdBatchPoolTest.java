package lab.platform.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IdBatchPoolTest {

    private final AtomicLongCounter generator = new AtomicLongCounter();
    private final AtomicBoolean generatorUp = new AtomicBoolean(true);
    private final AtomicInteger fetches = new AtomicInteger();
    private final List<Runnable> backgroundWork = new ArrayList<>();

    static final class AtomicLongCounter {
        long next = 1000;
    }

    private final IdBatchFetcher fetcher = count -> {
        fetches.incrementAndGet();
        if (!generatorUp.get()) {
            throw new IdsUnavailableException("idgen-1: connection refused", null);
        }
        List<Long> ids = LongStream.range(generator.next, generator.next + count).boxed().toList();
        generator.next += count;
        return ids;
    };

    /** Background refills run only when the test says so, so the order of events is the test's. */
    private final IdBatchPool pool = new IdBatchPool(fetcher, 10, backgroundWork::add);

    private void runBackgroundWork() {
        List<Runnable> work = List.copyOf(backgroundWork);
        backgroundWork.clear();
        work.forEach(Runnable::run);
    }

    @Test
    void handsOutPrefetchedIdsAndRefillsInTheBackgroundAtHalf() {
        assertThat(pool.nextId()).isEqualTo(1000); // first call fetches synchronously
        assertThat(fetches).hasValue(1);
        for (int i = 1; i < 5; i++) {
            assertThat(pool.nextId()).isEqualTo(1000 + i);
        }
        assertThat(backgroundWork).hasSize(1); // 5 left = half a batch: a refill is queued
        runBackgroundWork();
        assertThat(pool.available()).isEqualTo(15);
        List<Long> rest = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            rest.add(pool.nextId());
        }
        assertThat(rest).doesNotHaveDuplicates().allMatch(id -> id >= 1005 && id < 1020);
    }

    @Test
    void keepsPublishingFromThePrefetchedBatchWhileTheGeneratorIsDownThenFails() {
        pool.nextId();
        generatorUp.set(false);
        runBackgroundWork();
        int served = 0;
        while (pool.available() > 0) {
            pool.nextId();
            served++;
            runBackgroundWork(); // refills fail: the generator is down
        }
        assertThat(served).isEqualTo(9);
        assertThatThrownBy(pool::nextId).isInstanceOf(IdsUnavailableException.class).hasMessageContaining("connection refused");
        generatorUp.set(true);
        assertThat(pool.nextId()).isGreaterThanOrEqualTo(1010);
    }

    @Test
    void requestsThatFindThePoolEmptyShareOneFetch() throws Exception {
        java.util.concurrent.CountDownLatch fetching = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger slowFetches = new AtomicInteger();
        IdBatchPool slow = new IdBatchPool(count -> {
            slowFetches.incrementAndGet();
            fetching.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fetcher.fetch(count);
        }, 10, backgroundWork::add);
        try (var requests = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Long>> taken = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                taken.add(requests.submit(slow::nextId));
            }
            fetching.await();
            // Let the other seven find the pool empty and join the fetch in flight.
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(200)).until(() -> slowFetches.get() == 1);
            release.countDown();
            List<Long> ids = new ArrayList<>();
            for (var f : taken) {
                ids.add(f.get());
            }
            assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id >= 1000 && id < 1010);
        }
        assertThat(slowFetches).hasValue(1);
    }

    @Test
    void aFailedSharedFetchFailsEveryRequestWaitingForIt() {
        generatorUp.set(false);
        assertThatThrownBy(pool::nextId).isInstanceOf(IdsUnavailableException.class);
        assertThatThrownBy(pool::nextId).isInstanceOf(IdsUnavailableException.class);
        generatorUp.set(true);
        assertThat(pool.nextId()).isEqualTo(1000);
    }
}
