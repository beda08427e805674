package lab.ratelimit.policy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** The policy set this node enforces right now; swapped whole, read without locks on every request. */
public final class Policies {

    private final AtomicReference<PolicySet> current;
    private final List<Consumer<PolicySet>> listeners = new CopyOnWriteArrayList<>();

    public Policies(PolicySet initial) {
        this.current = new AtomicReference<>(initial);
    }

    public PolicySet current() {
        return current.get();
    }

    public Optional<Policy> find(String name) {
        return current.get().find(name);
    }

    /**
     * Adopts {@code next} unless it is the same version from the same source; returns whether it changed.
     * Any other version wins, older too: Redis is the truth, and after Redis lost its data and was
     * re-seeded by another node the cluster's version can go down.
     */
    public boolean adopt(PolicySet next) {
        PolicySet prior = current.get();
        if (prior.version() == next.version() && prior.source().equals(next.source())
                && prior.policies().equals(next.policies())) {
            return false;
        }
        if (!current.compareAndSet(prior, next)) {
            return adopt(next);
        }
        listeners.forEach(l -> l.accept(next));
        return true;
    }

    public void onChange(Consumer<PolicySet> listener) {
        listeners.add(listener);
    }
}
