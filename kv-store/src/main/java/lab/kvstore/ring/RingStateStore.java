package lab.kvstore.ring;

import java.util.Optional;

/** Where a node keeps its ring state across restarts, so it remembers joins and leaves. */
public interface RingStateStore {

    /** Nothing kept: a node that forgets its ring state on restart (tests). */
    RingStateStore NONE = new RingStateStore() {
        @Override
        public Optional<RingState> load() {
            return Optional.empty();
        }

        @Override
        public void save(RingState state) {
        }
    };

    Optional<RingState> load();

    /** Durable when it returns. */
    void save(RingState state);
}
