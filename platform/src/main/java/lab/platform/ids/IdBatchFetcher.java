package lab.platform.ids;

import java.util.List;

/** Fetches a batch of fresh IDs from the id-generator; throws {@link IdsUnavailableException} when no node answered. */
@FunctionalInterface
public interface IdBatchFetcher {

    List<Long> fetch(int count);
}
