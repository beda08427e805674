package lab.kvstore.ring;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who is in the ring, as gossip carries it: a map of owner-written, versioned entries. The merge
 * keeps, per node, the entry with the higher version; it is commutative, associative and
 * idempotent, so every node that has heard the same entries holds the same state and builds the
 * same ring, whatever order gossip delivered them in.
 */
public final class RingState {

    public static final RingState EMPTY = new RingState(Map.of());

    private final Map<String, Member> members;

    private RingState(Map<String, Member> members) {
        this.members = Collections.unmodifiableMap(new TreeMap<>(members));
    }

    public static RingState of(List<Member> members) {
        Map<String, Member> byNode = new TreeMap<>();
        for (Member member : members) {
            Member known = byNode.get(member.node());
            if (member.supersedes(known)) {
                byNode.put(member.node(), member);
            }
        }
        return new RingState(byNode);
    }

    public RingState merge(RingState other) {
        Map<String, Member> merged = new TreeMap<>(members);
        other.members.forEach((node, member) -> {
            if (member.supersedes(merged.get(node))) {
                merged.put(node, member);
            }
        });
        return merged.equals(members) ? this : new RingState(merged);
    }

    public RingState with(Member member) {
        return merge(of(List.of(member)));
    }

    public Optional<Member> member(String node) {
        return Optional.ofNullable(members.get(node));
    }

    public Map<String, Member> members() {
        return members;
    }

    /** Nodes that reads use: NORMAL and LEAVING. */
    public List<String> currentNodes() {
        return members.values().stream().filter(m -> m.status().inCurrentRing()).map(Member::node).toList();
    }

    /** Nodes of the ring once the change in progress completes: NORMAL and JOINING. */
    public List<String> nextNodes() {
        return members.values().stream().filter(m -> m.status().inNextRing()).map(Member::node).toList();
    }

    /** Whether a node is joining or leaving. */
    public boolean changing() {
        return members.values().stream().anyMatch(m -> m.status() == MemberStatus.JOINING || m.status() == MemberStatus.LEAVING);
    }

    /** A short fingerprint for operators and tests comparing nodes' views: every node and version. */
    public String digest() {
        StringBuilder text = new StringBuilder();
        members.values().forEach(m -> text.append(m.node()).append(':').append(m.status().name().charAt(0)).append(m.version()).append(' '));
        return text.toString().strip();
    }

    /** One line per member: {@code node status version url}. */
    public String encode() {
        StringBuilder text = new StringBuilder();
        members.values().forEach(m -> text.append(m.node()).append(' ').append(m.status()).append(' ')
                .append(m.version()).append(' ').append(m.url()).append('\n'));
        return text.toString();
    }

    public static RingState decode(String text) {
        List<Member> members = text.lines().filter(line -> !line.isBlank()).map(RingState::decodeLine).toList();
        return of(members);
    }

    public static RingState decode(byte[] bytes) {
        return decode(new String(bytes, StandardCharsets.UTF_8));
    }

    static Member decodeLine(String line) {
        String[] parts = line.strip().split(" ");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a ring member line: " + line);
        }
        return new Member(parts[0], URI.create(parts[3]), MemberStatus.valueOf(parts[1]), Long.parseLong(parts[2]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingState other && members.equals(other.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return digest();
    }
}
