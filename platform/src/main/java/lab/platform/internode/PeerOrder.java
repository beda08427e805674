package lab.platform.internode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order in which {@link AnyPeer} tries interchangeable peers for one call: the first peer is
 * where the call goes while all is well, the others are its fail-over order.
 */
public interface PeerOrder {

    /** Every configured peer, whatever its health. */
    List<Peer> peers();

    /** All peers, the one this call should go to first. */
    List<Peer> forNextCall();

    /** Plain round robin over a fixed list: each call starts one peer further on, no health checks. */
    static PeerOrder roundRobin(List<Peer> peers) {
        List<Peer> fixed = List.copyOf(peers);
        AtomicInteger next = new AtomicInteger();
        return new PeerOrder() {
            @Override
            public List<Peer> peers() {
                return fixed;
            }

            @Override
            public List<Peer> forNextCall() {
                int first = Math.floorMod(next.getAndIncrement(), fixed.size());
                List<Peer> order = new ArrayList<>(fixed.size());
                for (int i = 0; i < fixed.size(); i++) {
                    order.add(fixed.get((first + i) % fixed.size()));
                }
                return order;
            }
        };
    }
}
