package lab.kvstore.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import lab.kvstore.ring.Membership;

/** Registers a node's per-peer meters once for every peer known now and every peer a ring change brings later. */
final class PerPeerMeters {

    private PerPeerMeters() {
    }

    static void forEveryPeer(Membership membership, Consumer<String> register) {
        Set<String> registered = ConcurrentHashMap.newKeySet();
        Consumer<String> once = peer -> {
            if (registered.add(peer)) {
                register.accept(peer);
            }
        };
        membership.peers().keySet().forEach(once);
        membership.onChange(state -> state.members().keySet().forEach(once));
    }
}
