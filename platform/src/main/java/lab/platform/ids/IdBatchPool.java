package lab.platform.ids;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefetched IDs from the id-generator. A request takes one from memory; when the pool falls to
 * half a batch a refill starts in the background, so the id-generator's round trip is not on the
 * request path. If the pool is empty, the request fetches synchronously (one fetch shared by
 * every request that found it empty); if that fails too (every id-generator node down), it fails with {@link IdsUnavailableException}: the service stops once
 * the prefetched batch is spent, and never invents IDs that could collide with the generator's.
 */
public final class IdBatchPool implements IdSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdBatchPool.class);
    private static final int MAX_FETCH_ROUNDS = 8;

    private final IdBatchFetcher fetcher;
    private final int batchSize;
    private final Executor refills;
    private final ArrayDeque<Long> ids = new ArrayDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    /** The synchronous fetch callers of an empty pool are waiting for, if any; guarded by this. */
    private CompletableFuture<Void> sharedFetch;

    public IdBatchPool(IdBatchFetcher fetcher, int batchSize, Executor refills) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.fetcher = fetcher;
        this.batchSize = batchSize;
        this.refills = refills;
    }

    @Override
    public long nextId() {
        // Each round at least one batch arrives; concurrent requests may take it before this one
        // does, so a few rounds are allowed before giving up.
        for (int round = 0; round < MAX_FETCH_ROUNDS; round++) {
            Long id;
            synchronized (this) {
                id = ids.pollFirst();
            }
            if (id != null) {
                if (available() <= batchSize / 2) {
                    refillInBackground();
                }
                return id;
            }
            fetchOnceForAllWaiting();
        }
        throw new IdsUnavailableException("concurrent requests used up " + MAX_FETCH_ROUNDS + " batches before this one got an ID", null);
    }

    /**
     * The pool is empty: one caller fetches a batch while every other empty-handed caller waits for
     * that same fetch (bounded by the fetcher's deadline), instead of each sending its own. A
     * failed fetch fails all of them.
     */
    private void fetchOnceForAllWaiting() {
        CompletableFuture<Void> fetch;
        boolean mine = false;
        synchronized (this) {
            if (!ids.isEmpty()) {
                return;
            }
            fetch = sharedFetch;
            if (fetch == null) {
                fetch = new CompletableFuture<>();
                sharedFetch = fetch;
                mine = true;
            }
        }
        if (mine) {
            try {
                List<Long> batch = fetchNow();
                if (batch.isEmpty()) {
                    throw new IdsUnavailableException("the id-generator returned no IDs", null);
                }
                add(batch);
                finish(fetch, null);
            } catch (IdsUnavailableException e) {
                finish(fetch, e);
                throw e;
            }
            return;
        }
        try {
            fetch.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IdsUnavailableException unavailable ? unavailable
                    : new IdsUnavailableException("fetching IDs failed: " + e.getCause(), e.getCause());
        }
    }

    private void finish(CompletableFuture<Void> fetch, IdsUnavailableException failure) {
        synchronized (this) {
            sharedFetch = null;
        }
        if (failure == null) {
            fetch.complete(null);
        } else {
            fetch.completeExceptionally(failure);
        }
    }

    /** IDs in hand, ready to be used without a call. */
    public synchronized int available() {
        return ids.size();
    }

    private List<Long> fetchNow() {
        try {
            return fetcher.fetch(batchSize);
        } catch (IdsUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IdsUnavailableException("fetching IDs failed: " + e.getMessage(), e);
        }
    }

    /** Stops the fetcher's background work; IDs in hand stay usable. */
    @Override
    public void close() {
        fetcher.close();
    }

    /** Fills the pool ahead of the first request, so it does not pay the id-generator's round trip. */
    public void prefetchInBackground() {
        refillInBackground();
    }

    private void refillInBackground() {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        refills.execute(() -> {
            try {
                add(fetcher.fetch(batchSize));
            } catch (RuntimeException e) {
                log.warn("prefetching IDs failed ({} left in hand): {}", available(), e.getMessage());
            } finally {
                refilling.set(false);
            }
        });
    }

    private synchronized void add(List<Long> batch) {
        ids.addAll(batch);
    }
}
