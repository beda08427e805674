package lab.platform.ids;

import java.util.List;

/** Fetches a batch of fresh IDs from the id-generator; throws {@link IdsUnavailableException} when no node answered. */
@FunctionalInterface
public interface IdBatchFetcher extends AutoCloseable {

    List<Long> fetch(int count);

    /** Stops whatever the fetcher runs in the background (health checks of the generator nodes). */
    @Override
    default void close() {
    }
}
