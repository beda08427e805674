package lab.platform.ids;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefetched IDs from the id-generator. A request takes one from memory; when the pool falls to
 * half a batch a refill starts in the background, so the id-generator's round trip is not on the
 * request path. If the pool is empty, the request fetches synchronously; if that fails too (every
 * id-generator node down), it fails with {@link IdsUnavailableException}: the service stops once
 * the prefetched batch is spent, and never invents IDs that could collide with the generator's.
 */
public final class IdBatchPool implements IdSource {

    private static final Logger log = LoggerFactory.getLogger(IdBatchPool.class);

    private final IdBatchFetcher fetcher;
    private final int batchSize;
    private final Executor refills;
    private final ArrayDeque<Long> ids = new ArrayDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();

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
        Long id;
        synchronized (this) {
            id = ids.pollFirst();
        }
        if (id == null) {
            add(fetchNow());
            synchronized (this) {
                id = ids.pollFirst();
            }
            if (id == null) {
                throw new IdsUnavailableException("the id-generator returned no IDs", null);
            }
        }
        if (available() <= batchSize / 2) {
            refillInBackground();
        }
        return id;
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
