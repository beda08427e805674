package lab.kvstore.streaming;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import lab.kvstore.ring.Member;
import lab.kvstore.ring.MemberStatus;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.RingState;
import lab.kvstore.ring.RingView;

/**
 * Drives this node's own join or leave, one change at a time in the cluster:
 * <ol>
 *   <li><b>announce</b>: this node's entry becomes JOINING (LEAVING) and is pushed to every member
 *       until each has confirmed it; from then on every coordinator writes to the current and the
 *       next owners with a joint quorum, and reads stay on the current owners;</li>
 *   <li><b>drain</b>: wait one request deadline, so writes begun before a coordinator heard the
 *       announcement (sent to the current owners only) have finished;</li>
 *   <li><b>stream</b>: every partition that changes owner goes to its new owner as the join of all
 *       its current replicas, at the bounded rate; a failed stream is retried whole;</li>
 *   <li><b>complete</b>: the entry becomes NORMAL (LEFT) and is pushed to every member; reads move
 *       to the new owners.</li>
 * </ol>
 * Every write acknowledged before the announcement reached W current owners and so is in the
 * join each new owner receives; every write acknowledged after it reached W of the new owners
 * itself. So once the change completes, each acknowledged write is on W of its new owners.
 */
public final class RingChange {

    public enum Phase { IDLE, ANNOUNCING, DRAINING, STREAMING, COMPLETING, DONE, ABORTED }

    /** One push-pull exchange of ring state with a node; returns the node's merged state. */
    @FunctionalInterface
    public interface Broadcast {
        RingState exchange(String node, long timeoutMillis) throws Exception;
    }

    private final Membership membership;
    private final Broadcast broadcast;
    private final PartitionStreamer streamer;
    private final StreamProgress progress;
    private final Sleeper sleeper;
    private final long drainMillis;
    private final long retryPauseMillis;
    private final long callTimeoutMillis;
    private volatile Phase phase = Phase.IDLE;
    private volatile String change = "none";
    private volatile List<String> waitingFor = List.of();
    private volatile String lastError;

    public RingChange(Membership membership, Broadcast broadcast, PartitionStreamer streamer, StreamProgress progress,
                      Sleeper sleeper, long drainMillis, long retryPauseMillis, long callTimeoutMillis) {
        this.membership = membership;
        this.broadcast = broadcast;
        this.streamer = streamer;
        this.progress = progress;
        this.sleeper = sleeper;
        this.drainMillis = drainMillis;
        this.retryPauseMillis = retryPauseMillis;
        this.callTimeoutMillis = callTimeoutMillis;
    }

    /** Announces that this node joins; {@link #run()} then carries it out. */
    public synchronized Member requestJoin() {
        Optional<MemberStatus> mine = membership.status(membership.self());
        if (mine.isPresent() && mine.get() != MemberStatus.LEFT) {
            throw new RingChangeRefusedException(membership.self() + " is already " + mine.get() + " in the ring");
        }
        // Learn the ring as it is now (a node may have joined since our seed list was written).
        boolean heard = false;
        for (String node : membership.gossipTargets()) {
            try {
                membership.merge(broadcast.exchange(node, callTimeoutMillis));
                heard = true;
            } catch (Exception e) {
                lastError = node + ": " + e.getMessage();
            }
        }
        if (!heard) {
            throw new RingChangeRefusedException("no member answered (" + membership.gossipTargets() + "); cannot join");
        }
        refuseIfChanging();
        change = "join";
        return membership.announce(MemberStatus.JOINING);
    }

    /** Announces that this node leaves; refused when the remaining nodes could not hold N replicas. */
    public synchronized Member requestLeave() {
        Optional<MemberStatus> mine = membership.status(membership.self());
        if (mine.isEmpty() || mine.get() != MemberStatus.NORMAL) {
            throw new RingChangeRefusedException(membership.self() + " is not a NORMAL member (" + mine.orElse(null) + ")");
        }
        refuseIfChanging();
        int remaining = membership.state().currentNodes().size() - 1;
        if (remaining < membership.replicationFactor()) {
            throw new RingChangeRefusedException("after " + membership.self() + " leaves, " + remaining
                    + " node(s) would remain, fewer than N=" + membership.replicationFactor() + " replicas per partition");
        }
        change = "leave";
        return membership.announce(MemberStatus.LEAVING);
    }

    private void refuseIfChanging() {
        List<String> changing = changingNodes(membership.state());
        if (!changing.isEmpty()) {
            throw new RingChangeRefusedException("a ring change is in progress (" + changing + "); one change at a time");
        }
    }

    /** Whether this node's own entry says it is joining or leaving (also after a restart mid-change). */
    public boolean inProgressHere() {
        return membership.status(membership.self()).map(s -> s == MemberStatus.JOINING || s == MemberStatus.LEAVING)
                .orElse(false);
    }

    /** Carries this node's announced join or leave to its end; blocks; safe to run again after a crash. */
    public void run() {
        Member me = membership.state().member(membership.self()).orElse(null);
        if (me == null || (me.status() != MemberStatus.JOINING && me.status() != MemberStatus.LEAVING)) {
            return;
        }
        change = me.status() == MemberStatus.JOINING ? "join" : "leave";
        phase = Phase.ANNOUNCING;
        if (!announced(me)) {
            membership.announce(me.status() == MemberStatus.JOINING ? MemberStatus.LEFT : MemberStatus.NORMAL);
            pushToAll(targets());
            phase = Phase.ABORTED;
            return;
        }
        phase = Phase.DRAINING;
        drainUntilQuiet(me);
        phase = Phase.STREAMING;
        RingView view = membership.view();
        List<PartitionMove> moves = view.next() == null ? List.of() : StreamPlan.moves(view.current(), view.next());
        progress.plan(moves);
        for (PartitionMove move : moves) {
            while (true) {
                try {
                    streamer.stream(move);
                    break;
                } catch (RuntimeException e) {
                    lastError = "partition " + move.partition() + " to " + move.target() + ": " + e.getMessage();
                    progress.failed(move, String.valueOf(e.getMessage()));
                    sleeper.sleepNanos(TimeUnit.MILLISECONDS.toNanos(retryPauseMillis));
                }
            }
        }
        phase = Phase.COMPLETING;
        List<String> told = targets();
        membership.announce(me.status() == MemberStatus.JOINING ? MemberStatus.NORMAL : MemberStatus.LEFT);
        pushToAll(told);
        phase = Phase.DONE;
    }

    /**
     * Pushes the announcement until every member confirmed it. Returns false, to abort, when
     * another node's change shows up (two operators started changes at once).
     */
    private boolean announced(Member me) {
        Set<String> unconfirmed = new LinkedHashSet<>(targets());
        while (!unconfirmed.isEmpty()) {
            for (String node : List.copyOf(unconfirmed)) {
                try {
                    RingState theirs = broadcast.exchange(node, callTimeoutMillis);
                    membership.merge(theirs);
                    if (theirs.member(me.node()).map(m -> m.version() >= me.version()).orElse(false)) {
                        unconfirmed.remove(node);
                    }
                } catch (Exception e) {
                    lastError = node + ": " + e.getMessage();
                }
            }
            List<String> others = changingNodes(membership.state()).stream().filter(n -> !n.equals(me.node())).toList();
            if (!others.isEmpty()) {
                lastError = "aborted: " + others + " started a change at the same time";
                return false;
            }
            waitingFor = List.copyOf(unconfirmed);
            if (!unconfirmed.isEmpty()) {
                sleeper.sleepNanos(TimeUnit.MILLISECONDS.toNanos(retryPauseMillis));
            }
        }
        return true;
    }

    /**
     * Waits out one request deadline with the ring state unchanged and no other change visible.
     * A change another node started and withdrew meanwhile made coordinators count their joint
     * quorums against a next ring that is not ours; the streams start only after those writes ended.
     */
    private void drainUntilQuiet(Member me) {
        while (true) {
            List<String> others = changingNodes(membership.state()).stream().filter(n -> !n.equals(me.node())).toList();
            if (!others.isEmpty()) {
                waitingFor = others;
                sleeper.sleepNanos(TimeUnit.MILLISECONDS.toNanos(retryPauseMillis));
                continue;
            }
            RingState before = membership.state();
            sleeper.sleepNanos(TimeUnit.MILLISECONDS.toNanos(drainMillis));
            if (membership.state().equals(before)) {
                waitingFor = List.of();
                return;
            }
        }
    }

    /** Every member of the current or next ring but this node. */
    private List<String> targets() {
        Set<String> nodes = new LinkedHashSet<>(membership.state().currentNodes());
        nodes.addAll(membership.state().nextNodes());
        nodes.remove(membership.self());
        return new ArrayList<>(nodes);
    }

    /** Best effort: gossip carries the state to whoever misses it. */
    private void pushToAll(List<String> nodes) {
        for (String node : nodes) {
            try {
                membership.merge(broadcast.exchange(node, callTimeoutMillis));
            } catch (Exception e) {
                lastError = node + ": " + e.getMessage();
            }
        }
    }

    private static List<String> changingNodes(RingState state) {
        return state.members().values().stream()
                .filter(m -> m.status() == MemberStatus.JOINING || m.status() == MemberStatus.LEAVING)
                .map(Member::node).toList();
    }

    public Phase phase() {
        return phase;
    }

    public String change() {
        return change;
    }

    public List<String> waitingFor() {
        return waitingFor;
    }

    public String lastError() {
        return lastError;
    }

    public StreamProgress progress() {
        return progress;
    }
}
