package lab.kvstore.membership;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.ring.Member;
import lab.kvstore.ring.MemberStatus;
import lab.kvstore.ring.Membership;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.Peer;

/**
 * What a gossip message (a peer's push or its answer) may say, checked whole before any of it is
 * merged:
 * <ul>
 *   <li>a node this node knows (a seed or a ring member, left ones included) keeps the address
 *       this node knows for it: gossip never moves a member to another address;</li>
 *   <li>a node this node does not know yet has a valid node name and an address no other member
 *       uses, and, when this node is a member of the ring, it is a join being announced:
 *       {@code JOINING} at version 1, the entry a node gives itself on {@code POST /admin/join}
 *       (a join is announced to every member before it proceeds, so a member never first hears
 *       of a newcomer in another status). A node outside the ring (about to join) learns the
 *       ring as it is, so a newcomer may have any status there, at version 1 or more (only seeds
 *       start at 0);</li>
 *   <li>every heartbeat is of a node name; one of a node outside the ring (a node about to join
 *       sends its own before it is a member) passes but is not merged ({@link Gossiper} ignores
 *       strangers);</li>
 *   <li>versions, heartbeat counters and member counts stay far below overflow
 *       ({@link KvLimits}), and a heartbeat generation (its node's start time) is not more than
 *       a day in this node's future, so no forged entry can outrank its owner's real ones for good.</li>
 * </ul>
 */
public final class GossipRules {

    private final Membership membership;
    private final LongSupplier clockMillis;

    public GossipRules(Membership membership, LongSupplier clockMillis) {
        this.membership = membership;
        this.clockMillis = clockMillis;
    }

    /** Throws {@link GossipRefusedException} naming the first rule {@code message} breaks. */
    public void check(GossipMessage message) {
        Map<String, Member> members = message.ring().members();
        if (members.size() > KvLimits.MAX_RING_MEMBERS || message.heartbeats().size() > KvLimits.MAX_RING_MEMBERS) {
            throw refused("more than " + KvLimits.MAX_RING_MEMBERS + " members or heartbeats");
        }
        Map<String, Peer> known = membership.peers();
        Map<URI, String> addresses = new HashMap<>();
        known.forEach((node, peer) -> addresses.put(peer.baseUrl(), node));
        Set<String> ringAfter = new TreeSet<>(known.keySet());
        boolean member = membership.status(membership.self()).filter(s -> s != MemberStatus.LEFT).isPresent();
        for (Member entry : members.values()) {
            checkMember(entry, known.get(entry.node()), addresses, member);
            ringAfter.add(entry.node());
            addresses.putIfAbsent(entry.url(), entry.node());
        }
        if (ringAfter.size() > KvLimits.MAX_RING_MEMBERS) {
            throw refused("the ring would have " + ringAfter.size() + " members, more than " + KvLimits.MAX_RING_MEMBERS);
        }
        long latestGeneration = clockMillis.getAsLong() + KvLimits.MAX_GENERATION_AHEAD_MILLIS;
        message.heartbeats().forEach((node, heartbeat) -> {
            if (!ringAfter.contains(node) && !NodeIdentity.NODE_ID_PATTERN.matcher(node).matches()) {
                throw refused("a heartbeat of '" + printable(node) + "', which is not a node name");
            }
            if (heartbeat.generation() < 0 || heartbeat.generation() > latestGeneration) {
                throw refused("the heartbeat generation " + heartbeat.generation() + " of " + node
                        + " is not a start time up to a day from now (" + latestGeneration + ")");
            }
            if (heartbeat.version() < 0 || heartbeat.version() > KvLimits.MAX_HEARTBEAT_VERSION) {
                throw refused("the heartbeat counter " + heartbeat.version() + " of " + node + " is outside 0.."
                        + KvLimits.MAX_HEARTBEAT_VERSION);
            }
        });
    }

    private static void checkMember(Member member, Peer known, Map<URI, String> addresses, boolean selfInRing) {
        String node = member.node();
        if (member.version() > KvLimits.MAX_MEMBER_VERSION) {
            throw refused("the entry of " + printable(node) + " has version " + member.version() + ", above "
                    + KvLimits.MAX_MEMBER_VERSION);
        }
        if (known != null) {
            if (!known.baseUrl().equals(member.url())) {
                throw refused(node + " is at " + known.baseUrl() + ", not " + printable(member.url().toString()));
            }
            return;
        }
        if (!NodeIdentity.NODE_ID_PATTERN.matcher(node).matches()) {
            throw refused("'" + printable(node) + "' is not a node name");
        }
        if (selfInRing && (member.status() != MemberStatus.JOINING || member.version() != 1)) {
            throw refused("the new member " + node + " is " + member.status() + " at version " + member.version()
                    + "; a node joins the ring as JOINING at version 1");
        }
        if (member.version() < 1) {
            throw refused("the new member " + node + " has version 0, which only seeds have");
        }
        URI url = member.url();
        boolean plainHttp = ("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null
                && url.getRawUserInfo() == null && url.getRawQuery() == null && url.getRawFragment() == null
                && (url.getRawPath() == null || url.getRawPath().isEmpty() || "/".equals(url.getRawPath()));
        if (!plainHttp) {
            throw refused("the address of the new member " + node + " is not http(s)://host[:port]: " + printable(url.toString()));
        }
        String holder = addresses.get(url);
        if (holder != null && !holder.equals(node)) {
            throw refused("the new member " + node + " claims the address of " + holder + " (" + url + ")");
        }
    }

    private static String printable(String text) {
        String visible = text.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? text : text.replaceAll("[^\\x20-\\x7e]", "?");
        return visible.length() <= 80 ? visible : visible.substring(0, 80) + "…";
    }

    private static GossipRefusedException refused(String why) {
        return new GossipRefusedException(why);
    }
}
