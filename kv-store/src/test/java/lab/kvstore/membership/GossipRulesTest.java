package lab.kvstore.membership;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.ring.Member;
import lab.kvstore.ring.MemberStatus;
import lab.kvstore.ring.Membership;
import lab.kvstore.ring.RingState;
import lab.kvstore.ring.RingStateStore;
import lab.platform.internode.Peer;
import org.junit.jupiter.api.Test;

class GossipRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final List<Peer> SEEDS = List.of(peer("kv-1", 8301), peer("kv-2", 8302), peer("kv-3", 8303));

    private static Peer peer(String node, int port) {
        return new Peer(node, url(port));
    }

    private static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static GossipRules rulesOf(String self, int port) {
        Membership membership = new Membership(self, url(port), SEEDS, 64, 8, 3, RingStateStore.NONE);
        return new GossipRules(membership, () -> NOW);
    }

    private static GossipMessage ring(Member... members) {
        return new GossipMessage(Map.of(), RingState.of(List.of(members)));
    }

    private static GossipMessage beat(String node, long generation, long version) {
        return new GossipMessage(Map.of(node, new Heartbeat(generation, version)), RingState.EMPTY);
    }

    @Test
    void theSeedsAndAnAnnouncedJoinAreAccepted() {
        GossipRules member = rulesOf("kv-1", 8301);
        assertThatCode(() -> member.check(new GossipMessage(Map.of("kv-2", new Heartbeat(NOW - 5, 7), "kv-4", new Heartbeat(NOW, 1)),
                RingState.of(List.of(new Member("kv-2", url(8302), MemberStatus.LEAVING, 3),
                        new Member("kv-4", url(8304), MemberStatus.JOINING, 1)))))).doesNotThrowAnyException();
    }

    @Test
    void aMemberRefusesANewcomerThatIsNotAJoinBeingAnnounced() {
        GossipRules member = rulesOf("kv-1", 8301);
        assertThatThrownBy(() -> member.check(ring(new Member("kv-9", url(8309), MemberStatus.NORMAL, 1))))
                .isInstanceOf(GossipRefusedException.class).hasMessageContaining("JOINING at version 1");
        assertThatThrownBy(() -> member.check(ring(new Member("kv-9", url(8309), MemberStatus.JOINING, 40))))
                .isInstanceOf(GossipRefusedException.class);
    }

    @Test
    void aNodeOutsideTheRingLearnsMembersThatJoinedBeforeIt() {
        GossipRules outsider = rulesOf("kv-5", 8305);
        assertThatCode(() -> outsider.check(ring(new Member("kv-4", url(8304), MemberStatus.NORMAL, 2))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> outsider.check(ring(new Member("kv-4", url(8304), MemberStatus.NORMAL, 0))))
                .isInstanceOf(GossipRefusedException.class).hasMessageContaining("only seeds");
    }

    @Test
    void aKnownMemberNeverMovesAndANewcomerNeverTakesAnotherOnesAddress() {
        GossipRules member = rulesOf("kv-1", 8301);
        assertThatThrownBy(() -> member.check(ring(new Member("kv-2", url(9999), MemberStatus.NORMAL, 5))))
                .isInstanceOf(GossipRefusedException.class).hasMessageContaining("kv-2 is at");
        assertThatThrownBy(() -> member.check(ring(new Member("kv-9", url(8302), MemberStatus.JOINING, 1))))
                .isInstanceOf(GossipRefusedException.class).hasMessageContaining("address of kv-2");
        assertThatThrownBy(() -> member.check(ring(new Member("kv-9", URI.create("http://u:p@127.0.0.1:1/x?y"), MemberStatus.JOINING, 1))))
                .isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(ring(new Member("KV_9", url(8309), MemberStatus.JOINING, 1))))
                .isInstanceOf(GossipRefusedException.class).hasMessageContaining("not a node name");
    }

    @Test
    void versionsAndHeartbeatsStayFarFromOverflow() {
        GossipRules member = rulesOf("kv-1", 8301);
        assertThatThrownBy(() -> member.check(ring(new Member("kv-2", url(8302), MemberStatus.LEFT, Long.MAX_VALUE))))
                .isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(ring(new Member("kv-2", url(8302), MemberStatus.LEFT, KvLimits.MAX_MEMBER_VERSION + 1))))
                .isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(beat("kv-2", Long.MAX_VALUE, 1))).isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(beat("kv-2", NOW + KvLimits.MAX_GENERATION_AHEAD_MILLIS + 1, 1)))
                .isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(beat("kv-2", -1, 1))).isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(beat("kv-2", NOW, KvLimits.MAX_HEARTBEAT_VERSION + 1)))
                .isInstanceOf(GossipRefusedException.class);
        assertThatThrownBy(() -> member.check(beat("EVIL_node", NOW, 1))).isInstanceOf(GossipRefusedException.class)
                .hasMessageContaining("not a node name");
        assertThatCode(() -> member.check(beat("kv-7", NOW, 1))).as("a node about to join sends its own heartbeat")
                .doesNotThrowAnyException();
        assertThatCode(() -> member.check(beat("kv-2", NOW + KvLimits.MAX_GENERATION_AHEAD_MILLIS, KvLimits.MAX_HEARTBEAT_VERSION)))
                .doesNotThrowAnyException();
    }
}
