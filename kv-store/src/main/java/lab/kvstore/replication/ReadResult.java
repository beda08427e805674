package lab.kvstore.replication;

import java.util.Map;
import lab.kvstore.version.VersionedValue;

/**
 * A quorum read: the join of what the answering replicas hold, and each answer on its own (what
 * read repair compares).
 */
public record ReadResult(VersionedValue merged, Map<String, VersionedValue> answers) {

    public int answered() {
        return answers.size();
    }
}
