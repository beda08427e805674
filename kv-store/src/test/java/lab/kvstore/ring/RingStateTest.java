package lab.kvstore.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import lab.platform.internode.Peer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingStateTest {

    private static Member member(String node, MemberStatus status, long version) {
        return new Member(node, URI.create("http://127.0.0.1:83" + node.substring(3)), status, version);
    }

    @Test
    void mergeKeepsTheHigherVersionPerNodeInAnyOrder() {
        List<Member> entries = List.of(member("kv-1", MemberStatus.NORMAL, 0), member("kv-4", MemberStatus.JOINING, 1),
                member("kv-4", MemberStatus.NORMAL, 2), member("kv-2", MemberStatus.LEAVING, 1), member("kv-2", MemberStatus.NORMAL, 0),
                member("kv-2", MemberStatus.LEFT, 2));
        RingState expected = RingState.of(entries);
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            List<Member> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, random);
            RingState merged = RingState.EMPTY;
            for (Member m : shuffled) {
                merged = merged.merge(RingState.of(List.of(m))).merge(RingState.of(List.of(m)));
            }
            assertThat(merged).isEqualTo(expected);
        }
        assertThat(expected.member("kv-4").orElseThrow().status()).isEqualTo(MemberStatus.NORMAL);
        assertThat(expected.currentNodes()).containsExactly("kv-1", "kv-4");
        assertThat(expected.changing()).isFalse();
        assertThat(RingState.decode(expected.encode())).isEqualTo(expected);
    }

    @Test
    void theViewWritesToCurrentAndNextOwnersWhileANodeJoins() {
        RingState joining = RingState.of(List.of(member("kv-1", MemberStatus.NORMAL, 0), member("kv-2", MemberStatus.NORMAL, 0),
                member("kv-3", MemberStatus.NORMAL, 0), member("kv-4", MemberStatus.JOINING, 1)));
        assertThat(joining.currentNodes()).containsExactly("kv-1", "kv-2", "kv-3");
        assertThat(joining.nextNodes()).containsExactly("kv-1", "kv-2", "kv-3", "kv-4");
        Ring current = new Ring(joining.currentNodes(), 64, 16, 3);
        RingView view = new RingView(current, new Ring(joining.nextNodes(), 64, 16, 3));
        int moved = 0;
        for (int p = 0; p < 64; p++) {
            List<List<String>> sets = view.writeQuorumSets(p);
            assertThat(sets.getFirst()).isEqualTo(current.preferenceList(p));
            assertThat(view.writeSet(p)).containsAll(sets.getLast());
            assertThat(view.fallbacks(p)).doesNotContainAnyElementsOf(view.writeSet(p));
            if (sets.size() == 2) {
                moved++;
                assertThat(view.writeSet(p)).hasSize(4).contains("kv-4");
            }
        }
        assertThat(moved).isBetween(32, 64); // kv-4 replicates about 3/4 of the partitions
    }

    @Test
    void aNodeRemembersItsRingAcrossRestartsAndANodeOutsideItsSeedsIsNoMember(@TempDir Path dir) {
        List<Peer> seeds = List.of(Peer.of("kv-1", "http://127.0.0.1:8301"), Peer.of("kv-2", "http://127.0.0.1:8302"),
                Peer.of("kv-3", "http://127.0.0.1:8303"));
        RingStateFile file = new RingStateFile(dir.resolve("ring-state"));
        Membership kv4 = new Membership("kv-4", URI.create("http://127.0.0.1:8304"), seeds, 64, 16, 3, file);
        assertThat(kv4.status("kv-4")).isEmpty();
        assertThat(kv4.ring().nodes()).containsExactly("kv-1", "kv-2", "kv-3");
        assertThat(kv4.gossipTargets()).containsExactly("kv-1", "kv-2", "kv-3");
        kv4.announce(MemberStatus.JOINING);
        kv4.announce(MemberStatus.NORMAL);

        Membership restarted = new Membership("kv-4", URI.create("http://127.0.0.1:8304"), seeds, 64, 16, 3, file);
        assertThat(restarted.status("kv-4")).contains(MemberStatus.NORMAL);
        assertThat(restarted.state().member("kv-4").orElseThrow().version()).isEqualTo(2);
        assertThat(restarted.ring().nodes()).containsExactly("kv-1", "kv-2", "kv-3", "kv-4");
    }
}
