package lab.platform.internode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One call to any of several interchangeable peers (both id-generator nodes, say), failing over to
 * the next when one cannot serve it. Which peer a call starts at and the order of the rest come from
 * a {@link PeerOrder}: Spring Cloud LoadBalancer over the peers that pass their readiness probes
 * ({@link HealthCheckedPeers}), or plain round robin; either way the load is shared while all are up.
 * <ul>
 *   <li>A refused connection or an open breaker: the peer never saw the call, so the next peer is
 *       tried whatever the request (its breaker, {@code internode-<peer>}, makes a dead peer cost
 *       nothing once it is open).</li>
 *   <li>A 503, a timeout or a broken connection: the next peer is tried only for an idempotent
 *       request ({@link InterNodeRequest#isIdempotent()}); otherwise the caller gets the answer or
 *       the failure, because the first peer may have applied the call.</li>
 * </ul>
 * The whole call has one deadline; each attempt gets what is left of it. Fail-overs are counted
 * in {@code lab.internode.failovers{peer}} (the peer that was skipped).
 */
public final class AnyPeer {

    private final InterNodeClient client;
    private final PeerOrder order;
    private final MeterRegistry meters;

    public AnyPeer(InterNodeClient client, PeerOrder order, MeterRegistry meters) {
        if (order.peers().isEmpty()) {
            throw new IllegalArgumentException("AnyPeer needs at least one peer");
        }
        this.client = client;
        this.order = order;
        this.meters = meters;
    }

    /** Round robin over a fixed list, without health checks. */
    public AnyPeer(InterNodeClient client, List<Peer> peers, MeterRegistry meters) {
        this(client, PeerOrder.roundRobin(peers), meters);
    }

    /**
     * @param deadline the longest the whole call may take, fail-overs included
     * @param request  builds the call for one peer with the time that is left, for example
     *                 {@code (peer, left) -> InterNodeRequest.post(peer, "/ids", left).idempotent()}
     */
    public InterNodeResponse send(Duration deadline, BiFunction<Peer, Duration, InterNodeRequest> request) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        List<Peer> peers = order.forNextCall();
        InterNodeException lastFailure = null;
        InterNodeResponse lastAnswer = null;
        for (int i = 0; i < peers.size(); i++) {
            Peer peer = peers.get(i);
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                break;
            }
            InterNodeRequest call = request.apply(peer, Duration.ofNanos(leftNanos));
            boolean lastPeer = i == peers.size() - 1;
            try {
                InterNodeResponse answer = client.send(call);
                if (answer.status() != 503 || !call.isIdempotent() || lastPeer) {
                    return answer;
                }
                lastAnswer = answer;
            } catch (InterNodeException failure) {
                if (!neverDelivered(failure) && !call.isIdempotent()) {
                    throw failure;
                }
                lastFailure = failure;
            }
            if (!lastPeer) {
                Counter.builder("lab.internode.failovers").description("calls moved on to another peer")
                        .tag("peer", peer.nodeId()).register(meters).increment();
            }
        }
        if (lastAnswer != null && lastFailure == null) {
            return lastAnswer;
        }
        if (lastFailure != null) {
            throw lastFailure;
        }
        throw new InterNodeException(peers.getFirst(), InterNodeException.Failure.TIMEOUT, 0,
                "deadline of " + deadline.toMillis() + " ms passed before any peer answered", null);
    }

    public List<Peer> peers() {
        return order.peers();
    }

    private static boolean neverDelivered(InterNodeException failure) {
        return failure.failure() == InterNodeException.Failure.CONNECT_FAILED
                || failure.failure() == InterNodeException.Failure.CIRCUIT_OPEN;
    }
}
