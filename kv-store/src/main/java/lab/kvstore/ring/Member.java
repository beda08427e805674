package lab.kvstore.ring;

import java.net.URI;
import java.util.Objects;

/**
 * One node's entry in the ring state: its address and status, and the version its owner gave
 * the entry. A higher version always wins a merge; the seed list is version 0.
 */
public record Member(String node, URI url, MemberStatus status, long version) {

    public Member {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(status, "status");
        if (version < 0) {
            throw new IllegalArgumentException("a member version is never negative");
        }
    }

    /** Whether this entry should replace {@code other} in a merge (ties broken by status, so every node picks the same). */
    boolean supersedes(Member other) {
        return other == null || version > other.version
                || version == other.version && status.ordinal() > other.status.ordinal();
    }

    public Member next(MemberStatus newStatus) {
        return new Member(node, url, newStatus, version + 1);
    }
}
